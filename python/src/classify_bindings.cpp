// riskscale._core.classify_columns: a portfolio's SPEC §8 columns, laid out for pandas.
//
// The float columns come back as one (11, rows) C-ordered block, which is exactly how pandas
// stores a float block, so the DataFrame is built around it without a copy. Each row's ranked
// recommendations come back as a column of ';'-joined strings, one str object per distinct list:
// the threads that classify a chunk also give each row a code for its list (the full rows ×
// catalogue index array is never made), the codes of the threads are merged at the end, and the
// object column is filled from the codes.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <stdexcept>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "numpy_columns.hpp"
#include "riskscale/riskscale.hpp"

namespace py = pybind11;
using namespace pybind11::literals;

namespace {

using riskscale::policy;
using riskscale_python::borrow_column;

/// Rows per unit of work: the chunk's ranked lists (rows × catalogue int16) stay in L2.
constexpr std::size_t rows_per_chunk = 4096;

/// SPEC §8 float columns in block order (the DataFrame puts them back in SPEC order).
const std::vector<std::string>& float_column_names() {
  static const std::vector<std::string> names = {
      "risk_score", "scale_score", "frequency_score", "reach_score", "margin",
      "p_high_scale_high_risk", "p_high_scale_low_risk", "p_low_scale_high_risk", "p_low_scale_low_risk",
      "users_for_high_scale", "active_days_for_high_scale"};
  return names;
}

/// A ranked list as 64 bits: its length in the low 4 bits, then 4 bits per catalogue index.
/// Possible when the catalogue has at most 16 formats and a list at most 15 entries.
struct packed_key {
  using type = std::uint64_t;
  static bool fits(const policy& pol) { return pol.catalog().size() <= 16 && pol.recommendation_width() <= 15; }
  static type make(const std::int16_t* ranked, std::size_t count) {
    type key = count;
    for (std::size_t j = 0; j < count; ++j) key |= static_cast<type>(ranked[j]) << (4 + 4 * j);
    return key;
  }
  static std::size_t hash(type key) { return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> 32); }
  static std::size_t length(type key) { return static_cast<std::size_t>(key & 15); }
  static std::size_t at(type key, std::size_t j) { return static_cast<std::size_t>((key >> (4 + 4 * j)) & 15); }
};

/// Any ranked list, as the bytes of its int16 indices (large catalogues).
struct bytes_key {
  using type = std::string;
  static type make(const std::int16_t* ranked, std::size_t count) {
    return type(reinterpret_cast<const char*>(ranked), count * sizeof(std::int16_t));
  }
  static std::size_t hash(const type& key) { return std::hash<type>{}(key); }
  static std::size_t length(const type& key) { return key.size() / sizeof(std::int16_t); }
  static std::size_t at(const type& key, std::size_t j) {
    std::int16_t index;
    std::memcpy(&index, key.data() + j * sizeof index, sizeof index);
    return static_cast<std::size_t>(index);
  }
};

/// Distinct keys, each with a code in order of first appearance (open addressing, at most half full).
template <class Key>
class code_table {
 public:
  code_table() : slot_keys_(1024), slot_codes_(1024, -1) {}

  std::int32_t code_of(const typename Key::type& key) {
    std::size_t mask = slot_codes_.size() - 1;
    std::size_t slot = Key::hash(key) & mask;
    while (slot_codes_[slot] >= 0) {
      if (slot_keys_[slot] == key) return slot_codes_[slot];
      slot = (slot + 1) & mask;
    }
    const auto code = static_cast<std::int32_t>(keys_.size());
    keys_.push_back(key);
    slot_keys_[slot] = key;
    slot_codes_[slot] = code;
    if (keys_.size() * 2 > slot_codes_.size()) grow();
    return code;
  }

  [[nodiscard]] const std::vector<typename Key::type>& keys() const { return keys_; }

 private:
  void grow() {
    slot_keys_.assign(slot_keys_.size() * 2, typename Key::type{});
    slot_codes_.assign(slot_codes_.size() * 2, -1);
    const std::size_t mask = slot_codes_.size() - 1;
    for (std::size_t code = 0; code < keys_.size(); ++code) {
      std::size_t slot = Key::hash(keys_[code]) & mask;
      while (slot_codes_[slot] >= 0) slot = (slot + 1) & mask;
      slot_keys_[slot] = keys_[code];
      slot_codes_[slot] = static_cast<std::int32_t>(code);
    }
  }

  std::vector<typename Key::type> slot_keys_;
  std::vector<std::int32_t> slot_codes_;
  std::vector<typename Key::type> keys_;
};

/// The distinct ranked lists of a classified portfolio, and how each worker's row codes map onto them.
struct row_codes {
  riskscale::detail::chunk_plan plan;
  std::vector<std::string> lists;                   ///< ';'-joined ids, in code order
  std::vector<std::vector<std::int64_t>> renumber;  ///< per worker: its own code -> index into `lists`
};

/// Classifies `input` into `out` (whose recommendation pointers are unused) and writes each valid
/// row's recommendation code, as numbered by the worker that classified it, into `codes` (-1 for
/// an invalid row); `renumber` maps those codes onto `lists`.
template <class Key>
row_codes classify_with_codes(const riskscale::portfolio& input, const policy& pol, riskscale::batch_output out,
                              unsigned threads, std::int64_t* codes) {
  const std::vector<const double*> columns = riskscale::detail::resolve_columns(input, pol);
  const std::size_t rows = input.rows();
  row_codes result;
  if (rows == 0) return result;
  const std::size_t width = std::max<std::size_t>(pol.recommendation_width(), 1);
  result.plan = riskscale::detail::plan_chunks(rows, {threads, rows_per_chunk});
  struct worker_state {
    code_table<Key> table;
    std::vector<std::int16_t> ranked, count;
  };
  std::vector<worker_state> workers(result.plan.threads);
  const bool stream = rows >= riskscale::detail::streaming_rows;  // results larger than the caches
  riskscale::detail::run_chunks(result.plan, rows, [&](unsigned worker, std::size_t begin, std::size_t end) {
    worker_state& state = workers[worker];
    state.ranked.resize(rows_per_chunk * width);
    state.count.resize(rows_per_chunk);
    // The chunk's own view: every pointer moved to its first row, the ranked lists into the worker's buffer.
    std::vector<const double*> shifted(columns.size());
    for (std::size_t i = 0; i < columns.size(); ++i) shifted[i] = columns[i] != nullptr ? columns[i] + begin : nullptr;
    riskscale::batch_output view = out;
    for (double** column : {&view.risk_score, &view.scale_score, &view.frequency_score, &view.reach_score, &view.margin,
                            &view.membership[0], &view.membership[1], &view.membership[2], &view.membership[3],
                            &view.users_for_high_scale, &view.active_days_for_high_scale}) {
      *column += begin;
    }
    view.archetype += begin;
    view.borderline += begin;
    view.status += begin;
    view.invalid_field += begin;
    view.recommendations = state.ranked.data();
    view.recommendation_count = state.count.data();
    view.recommendation_scores = nullptr;
    riskscale::detail::classify_range(pol, shifted.data(), shifted.size(), 0, end - begin, view,
                                      riskscale::detail::best_isa(), stream);
    for (std::size_t row = 0; row < end - begin; ++row) {
      codes[begin + row] =
          view.status[row] == riskscale::row_status::ok
              ? state.table.code_of(Key::make(state.ranked.data() + row * width, static_cast<std::size_t>(state.count[row])))
              : -1;
    }
  });
  // One list of distinct keys for the whole portfolio.
  code_table<Key> merged;
  result.renumber.resize(workers.size());
  for (std::size_t w = 0; w < workers.size(); ++w) {
    for (const auto& key : workers[w].table.keys()) result.renumber[w].push_back(merged.code_of(key));
  }
  result.lists.reserve(merged.keys().size());
  for (const auto& key : merged.keys()) {
    std::string text;
    for (std::size_t j = 0; j < Key::length(key); ++j) {
      if (j > 0) text += ';';
      text += pol.catalog()[Key::at(key, j)].id;
    }
    result.lists.push_back(std::move(text));
  }
  return result;
}

// Classifies borrowed float64 columns into new numpy arrays, without the GIL.
py::dict classify_columns(const py::dict& columns, const policy& pol, unsigned threads) {
  if (columns.empty()) {
    throw py::value_error("no columns given; accepted: " + std::to_string(pol.input_fields().size()) +
                          " named float64 arrays");
  }
  const auto rows = static_cast<std::size_t>(py::len((*columns.begin()).second));
  std::vector<py::array_t<double>> held;  // keeps the inputs alive while the GIL is released
  riskscale::portfolio input(rows);
  for (const auto& item : columns) {
    const std::string name = py::str(item.first);
    held.push_back(borrow_column(item.second, name, rows));
    input.add(name, held.back().data());
  }
  const auto n = static_cast<py::ssize_t>(rows);
  const std::vector<std::string>& names = float_column_names();
  py::array_t<double> block({static_cast<py::ssize_t>(names.size()), n});
  py::array_t<std::int8_t> archetype(n);
  py::array borderline(py::dtype("bool"), std::vector<py::ssize_t>{n});
  py::array_t<std::uint8_t> status(n);
  py::array_t<std::int16_t> invalid_field(n);
  // The recommendations column: one str object per distinct list, shared by its rows (None when
  // invalid). Until the lists are known, each cell holds its row's code instead of a pointer.
  py::array recommendations(py::dtype("object"), std::vector<py::ssize_t>{n});
  auto** cells = static_cast<PyObject**>(recommendations.mutable_data());
  if (rows > 0 && cells[0] != nullptr) throw std::logic_error("numpy gave an object array that is not zero-filled");
  static_assert(sizeof(std::int64_t) == sizeof(PyObject*), "a code fits where a cell's pointer goes");
  auto* codes = reinterpret_cast<std::int64_t*>(recommendations.mutable_data());

  riskscale::batch_output view;
  double* floats = block.mutable_data();
  const auto column = [&](std::size_t i) { return floats + i * rows; };
  view.risk_score = column(0);
  view.scale_score = column(1);
  view.frequency_score = column(2);
  view.reach_score = column(3);
  view.margin = column(4);
  for (std::size_t a = 0; a < riskscale::archetype_count; ++a) view.membership[a] = column(5 + a);
  view.users_for_high_scale = column(9);
  view.active_days_for_high_scale = column(10);
  view.archetype = archetype.mutable_data();
  view.borderline = static_cast<std::uint8_t*>(borderline.mutable_data());
  view.status = reinterpret_cast<riskscale::row_status*>(status.mutable_data());
  view.invalid_field = invalid_field.mutable_data();
  try {
    row_codes coded;
    {
      py::gil_scoped_release release;
      coded = packed_key::fits(pol) ? classify_with_codes<packed_key>(input, pol, view, threads, codes)
                                    : classify_with_codes<bytes_key>(input, pol, view, threads, codes);
    }
    std::vector<py::str> texts(coded.lists.begin(), coded.lists.end());
    std::vector<PyObject*> objects;
    for (const auto& text : texts) objects.push_back(text.ptr());
    objects.push_back(Py_None);  // the cell of an invalid row
    // The classifying threads put every cell's pointer in place and count the references taken;
    // the references are added after, under the GIL.
    std::vector<std::vector<std::size_t>> uses(coded.plan.threads, std::vector<std::size_t>(objects.size()));
    {
      py::gil_scoped_release release;
      riskscale::detail::run_chunks(coded.plan, rows, [&](unsigned worker, std::size_t begin, std::size_t end) {
        const std::vector<std::int64_t>& to_list = coded.renumber[worker];
        std::vector<std::size_t>& counted = uses[worker];
        for (std::size_t row = begin; row < end; ++row) {
          const std::int64_t code = codes[row];
          const std::size_t object = code >= 0 ? static_cast<std::size_t>(to_list[static_cast<std::size_t>(code)])
                                               : objects.size() - 1;
          ++counted[object];
          cells[row] = objects[object];
        }
      });
    }
    for (std::size_t object = 0; object < objects.size(); ++object) {
      std::size_t references = 0;
      for (const auto& counted : uses) references += counted[object];
      for (std::size_t r = 0; r < references; ++r) Py_INCREF(objects[object]);
    }
  } catch (...) {
    std::memset(static_cast<void*>(cells), 0, rows * sizeof(PyObject*));  // codes are no pointers: empty cells
    throw;
  }
  return py::dict("float_block"_a = block, "float_columns"_a = names, "archetype"_a = archetype,
                  "borderline"_a = borderline, "status"_a = status, "invalid_field"_a = invalid_field,
                  "recommendations"_a = recommendations);
}

}  // namespace

void bind_classify(py::module_& m) {
  m.def("classify_columns", &classify_columns, "columns"_a, "policy"_a, "threads"_a = 0u,
        "SPEC §8 columns of a portfolio: the float columns as one block, recommendations as codes.");
}
