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
#include <cmath>
#include <cstring>
#include <deque>
#include <memory>
#include <string_view>
#include <functional>
#include <string>
#include <vector>

#include "float_block.hpp"
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
  static const std::vector<std::string> names(riskscale::classify_number_columns.begin(),
                                              riskscale::classify_number_columns.end());
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
  riskscale::chunk_plan plan;
  std::vector<std::string> lists;                   ///< ';'-joined ids, in code order
  std::vector<std::vector<std::int64_t>> renumber;  ///< per worker: its own code -> index into `lists`
};

/// SPEC §9: where a raw table's derived inputs go (whole-table arrays), or null for SPEC §2 columns.
struct mapping_step {
  riskscale::mapped_output columns;
  const riskscale::source_table* table = nullptr;
};

/// Classifies `input` (or, with `mapping`, its raw table) into `out` (whose recommendation pointers
/// are unused) with the core's chunked classify, and writes each valid row's recommendation code, as
/// numbered by the worker that classified it, into `codes` (-1 for an invalid row); `renumber` maps
/// those codes onto `lists`.
template <class Key>
row_codes classify_with_codes(const riskscale::portfolio& input, const policy& pol, riskscale::batch_output out,
                              unsigned threads, std::int64_t* codes, const mapping_step* mapping = nullptr) {
  const std::size_t rows = mapping != nullptr ? mapping->table->rows() : input.rows();
  row_codes result;
  const std::size_t width = std::max<std::size_t>(pol.recommendation_width(), 1);
  const riskscale::batch_options options{threads, rows_per_chunk};
  if (rows > 0) result.plan = riskscale::plan_chunks(rows, options);
  struct worker_state {
    code_table<Key> table;
    std::vector<std::int16_t> ranked, count;
  };
  std::vector<worker_state> workers(result.plan.threads);
  // The chunk's outputs: the whole-table columns at its first row, the ranked lists into the worker's buffer.
  const auto outputs = [&](const riskscale::chunk& piece) {
    worker_state& state = workers[piece.worker];
    state.ranked.resize(rows_per_chunk * width);
    state.count.resize(rows_per_chunk);
    riskscale::batch_output view = out.at_row(piece.begin, 0);
    view.recommendations = state.ranked.data();
    view.recommendation_count = state.count.data();
    view.recommendation_scores = nullptr;
    return view;
  };
  const auto encode = [&](const riskscale::chunk& piece, const riskscale::batch_output& view) {
    worker_state& state = workers[piece.worker];
    for (std::size_t row = 0; row < piece.rows(); ++row) {
      codes[piece.begin + row] = view.status[row] == riskscale::row_status::ok
                                     ? state.table.code_of(Key::make(state.ranked.data() + row * width,
                                                                     static_cast<std::size_t>(state.count[row])))
                                     : -1;
    }
  };
  if (mapping != nullptr) {
    riskscale::classify_chunks(*mapping->table, pol, options, mapping->columns, outputs, encode);
  } else {
    riskscale::classify_chunks(input, pol, options, outputs, encode);
  }
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

// Classifies `input` (or, with `mapping`, its raw table) into new numpy arrays, without the GIL.
py::dict classify_into_arrays(const riskscale::portfolio& input, const policy& pol, unsigned threads,
                              const mapping_step* mapping) {
  const std::size_t rows = input.rows();
  const auto n = static_cast<py::ssize_t>(rows);
  const std::vector<std::string>& names = float_column_names();
  py::array_t<double> block = riskscale_python::allocate_float_block(names.size(), rows, threads);
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
      coded = packed_key::fits(pol) ? classify_with_codes<packed_key>(input, pol, view, threads, codes, mapping)
                                    : classify_with_codes<bytes_key>(input, pol, view, threads, codes, mapping);
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
      riskscale::run_chunks(coded.plan, rows, [&](unsigned worker, std::size_t begin, std::size_t end) {
        const std::vector<std::int64_t>& to_list = coded.renumber[worker];
        std::vector<std::size_t>& counted = uses[worker];
        for (std::size_t row = begin; row < end; ++row) {
          const std::int64_t code = codes[row];
          const std::size_t object =
              code >= 0 ? static_cast<std::size_t>(to_list[static_cast<std::size_t>(code)]) : objects.size() - 1;
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
  return classify_into_arrays(input, pol, threads, nullptr);
}

// SPEC §9 source columns from Python: ("numbers", float64 array), ("text", object array of str or
// None) or ("categories", int32 codes, list of str). Text cells are borrowed from the str objects
// (their UTF-8 form, which CPython caches); other objects are converted once with str().
class python_sources {
 public:
  python_sources(const py::dict& columns, std::size_t rows) : table_(rows) {
    for (const auto& item : columns) {
      const std::string name = py::str(item.first);
      const auto spec = py::reinterpret_borrow<py::tuple>(item.second);
      const std::string kind = py::str(spec[0]);
      if (kind == "numbers") {
        numbers_.push_back(borrow_column(spec[1], name, rows));
        table_.add(name, riskscale::source_column::numbers(numbers_.back().data()));
      } else if (kind == "text") {
        auto cells = py::reinterpret_borrow<py::array>(spec[1]);
        if (cells.dtype().kind() != 'O' || cells.ndim() != 1 || !(cells.flags() & py::array::c_style)) {
          throw py::type_error("column '" + name + "': text cells must be a 1-D C-contiguous object array");
        }
        if (static_cast<std::size_t>(cells.shape(0)) != rows)
          throw py::value_error("column '" + name + "': wrong length");
        objects_.push_back(cells);
        missing_.clear();
        if (spec.size() > 2) {
          for (const auto& sentinel : py::reinterpret_borrow<py::tuple>(spec[2])) missing_.push_back(sentinel.ptr());
        }
        auto** items = static_cast<PyObject**>(cells.mutable_data());
        texts_.emplace_back(rows);
        auto& views = texts_.back();
        for (std::size_t r = 0; r < rows; ++r) views[r] = view_of(items[r]);
        table_.add(name, riskscale::source_column::text(views.data()));
      } else if (kind == "categories") {
        codes_.push_back(py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>(spec[1]));
        if (static_cast<std::size_t>(codes_.back().shape(0)) != rows)
          throw py::value_error("column '" + name + "': wrong length");
        const auto categories = py::reinterpret_borrow<py::list>(spec[2]);
        texts_.emplace_back(categories.size());
        auto& views = texts_.back();
        for (std::size_t k = 0; k < categories.size(); ++k) {
          category_objects_.push_back(py::reinterpret_borrow<py::object>(categories[k]));
          views[k] = view_of(category_objects_.back().ptr());
        }
        table_.add(name, riskscale::source_column::from_categories(codes_.back().data(), views.data(), views.size()));
      } else {
        throw py::value_error("column '" + name + "': unknown source kind '" + kind + "'");
      }
    }
  }
  python_sources(const python_sources&) = delete;
  python_sources& operator=(const python_sources&) = delete;

  [[nodiscard]] const riskscale::source_table& table() const noexcept { return table_; }

 private:
  std::string_view view_of(PyObject* object) {
    if (object == nullptr || object == Py_None) return {};
    if (!PyUnicode_Check(object)) {
      // Empty cells: NaN, and the missing-value objects the caller names (pd.NA, pd.NaT).
      if (PyFloat_Check(object) && std::isnan(PyFloat_AS_DOUBLE(object))) return {};
      if (std::find(missing_.begin(), missing_.end(), object) != missing_.end()) return {};
      converted_.emplace_back(py::str(object));  // a number or other object in a text column: its str()
      return converted_.back();
    }
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(object, &size);
    if (data == nullptr) throw py::error_already_set();
    return std::string_view(data, static_cast<std::size_t>(size));
  }

  riskscale::source_table table_;
  std::vector<py::array_t<double>> numbers_;
  std::vector<py::array> objects_;
  std::vector<py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>> codes_;
  std::vector<py::object> category_objects_;
  std::deque<std::string> converted_;  // stable addresses
  std::vector<PyObject*> missing_;     // of the text column being read
  std::deque<std::vector<std::string_view>> texts_;
};

// SPEC §9 then §8: a raw table through the policy's inputs, with the derived inputs as a (fields, rows) block.
py::dict classify_sources(const py::dict& columns, const policy& pol, std::size_t rows, unsigned threads) {
  const python_sources sources(columns, rows);
  std::unique_ptr<riskscale::input_plan> plan;
  try {
    plan = std::make_unique<riskscale::input_plan>(pol, sources.table());
  } catch (const riskscale::input_error& e) {
    throw py::value_error(e.what());
  }
  const std::vector<std::string>& fields = plan->fields();
  py::array_t<double> inputs({static_cast<py::ssize_t>(fields.size()), static_cast<py::ssize_t>(rows)});
  py::array_t<std::uint8_t> map_status(static_cast<py::ssize_t>(rows));
  py::array_t<std::int16_t> map_field(static_cast<py::ssize_t>(rows));
  mapping_step mapping;
  mapping.table = &sources.table();
  for (std::size_t f = 0; f < fields.size(); ++f) mapping.columns.values.push_back(inputs.mutable_data() + f * rows);
  mapping.columns.status = reinterpret_cast<riskscale::row_status*>(map_status.mutable_data());
  mapping.columns.invalid_field = map_field.mutable_data();
  const riskscale::portfolio rows_only(rows);
  py::dict out = classify_into_arrays(rows_only, pol, threads, &mapping);
  out["inputs_block"] = inputs;
  out["input_columns"] = fields;
  return out;
}

// Why each listed row's input failed: (source column, reason, message) per (row, field) pair; the table
// is bound once for all of them.
py::list source_failures(const py::dict& columns, const policy& pol, std::size_t rows,
                         const std::vector<std::size_t>& failed_rows, const std::vector<std::size_t>& fields) {
  if (failed_rows.size() != fields.size()) throw py::value_error("rows and fields differ in length");
  const python_sources sources(columns, rows);
  const riskscale::input_plan plan(pol, sources.table());
  py::list out;
  for (std::size_t i = 0; i < failed_rows.size(); ++i) {
    if (failed_rows[i] >= rows || fields[i] >= plan.fields().size()) throw py::index_error("row or field out of range");
    const riskscale::input_failure failure = plan.failure(failed_rows[i], fields[i]);
    out.append(py::make_tuple(failure.column, std::string(riskscale::to_string(failure.status)), failure.message));
  }
  return out;
}

}  // namespace

void bind_classify(py::module_& m) {
  m.def("classify_columns", &classify_columns, "columns"_a, "policy"_a, "threads"_a = 0u,
        "SPEC §8 columns of a portfolio: the float columns as one block, recommendations as codes.");
  m.def("classify_sources", &classify_sources, "columns"_a, "policy"_a, "rows"_a, "threads"_a = 0u,
        "SPEC §9 then §8: raw source columns through the policy's inputs; derived inputs as a block.");
  m.def("source_failures", &source_failures, "columns"_a, "policy"_a, "rows"_a, "failed_rows"_a, "fields"_a,
        "(source column, reason, message) of each listed row's failed input.");
  m.def(
      "output_columns",
      [] {
        py::list out;
        for (const auto& column : riskscale::classify_output_columns) out.append(std::string(column.name));
        return out;
      },
      "The SPEC §8 output columns, in order.");
  m.def(
      "source_columns",
      [](const policy& pol) {
        py::list out;
        for (const auto& request : riskscale::source_columns(pol)) {
          out.append(py::make_tuple(request.column, request.json_path, request.optional));
        }
        return out;
      },
      "policy"_a, "(column, JSON path, optional) of every column the policy reads, the account id first.");
}
