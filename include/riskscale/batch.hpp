// riskscale: a whole portfolio as columns in, caller-owned columns out (SPEC §8), multi-threaded, no row lost.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <Eigen/Core>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define RISKSCALE_HAS_STREAMING_STORES 1
#else
#define RISKSCALE_HAS_STREAMING_STORES 0
#endif

#include "riskscale/account.hpp"
#include "riskscale/archetype.hpp"
#include "riskscale/chunks.hpp"
#include "riskscale/detail/kernel.hpp"
#include "riskscale/detail/rank_network.hpp"
#include "riskscale/error.hpp"
#include "riskscale/input_schema.hpp"
#include "riskscale/policy.hpp"

namespace riskscale {

/// Named input columns of equal length, borrowed (never copied): contiguous doubles such as a
/// numpy float64 array, an `Eigen::ArrayXd` or a `std::vector<double>`; they must outlive the call.
class portfolio {
 public:
  /// A portfolio of `rows` accounts with no columns yet.
  explicit portfolio(std::size_t rows) noexcept : rows_(rows) {}

  /// Borrows `rows()` contiguous values for the column `name` (replacing a column of that name).
  portfolio& add(std::string name, const double* values) {
    for (auto& column : columns_) {
      if (column.first == name) {
        column.second = values;
        return *this;
      }
    }
    columns_.emplace_back(std::move(name), values);
    return *this;
  }
  /// Borrows an Eigen array; throws `input_error` when its length is not `rows()`.
  portfolio& add(std::string name, const Eigen::ArrayXd& values) {
    check_length(name, static_cast<std::size_t>(values.size()));
    return add(std::move(name), values.data());
  }
  /// Borrows an Eigen map; throws `input_error` when its length is not `rows()`.
  portfolio& add(std::string name, const Eigen::Map<const Eigen::ArrayXd>& values) {
    check_length(name, static_cast<std::size_t>(values.size()));
    return add(std::move(name), values.data());
  }
  /// Borrows a vector; throws `input_error` when its length is not `rows()`.
  portfolio& add(std::string name, const std::vector<double>& values) {
    check_length(name, values.size());
    return add(std::move(name), values.data());
  }

  /// Number of accounts.
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  /// The column of that name, or null.
  [[nodiscard]] const double* find(std::string_view name) const noexcept {
    for (const auto& column : columns_) {
      if (column.first == name) return column.second;
    }
    return nullptr;
  }
  /// The names of the columns, in the order they were added.
  [[nodiscard]] std::vector<std::string> names() const {
    std::vector<std::string> result;
    for (const auto& column : columns_) result.push_back(column.first);
    return result;
  }

 private:
  void check_length(const std::string& name, std::size_t length) const {
    if (length != rows_) {
      throw input_error(name, std::nullopt, "",
                        "column has " + std::to_string(length) + " values; accepted: " + std::to_string(rows_) +
                            " (the portfolio's row count)");
    }
  }

  std::size_t rows_;
  std::vector<std::pair<std::string, const double*>> columns_;
};

/// Caller-owned output columns of `rows` entries each (the recommendation arrays hold
/// rows × policy::recommendation_width(), row-major); a null pointer skips that output,
/// except `status`, which every call fills so that no row is lost silently.
struct batch_output {
  double* risk_score = nullptr;
  double* scale_score = nullptr;
  double* frequency_score = nullptr;
  double* reach_score = nullptr;
  std::int8_t* archetype = nullptr;  ///< archetype index (SPEC §1 order), -1 for an invalid row
  double* margin = nullptr;
  std::uint8_t* borderline = nullptr;                 ///< 0 or 1 (numpy bool layout)
  std::array<double*, archetype_count> membership{};  ///< p_<archetype>, SPEC order
  double* users_for_high_scale = nullptr;             ///< NaN when absent
  double* active_days_for_high_scale = nullptr;       ///< NaN when absent
  std::int16_t* recommendations = nullptr;            ///< ranked catalogue indices, -1 padded
  double* recommendation_scores = nullptr;            ///< scores beside `recommendations`, NaN padded
  std::int16_t* recommendation_count = nullptr;       ///< recommendations per row
  row_status* status = nullptr;                       ///< required: ok, or why the row got no scores
  std::int16_t* invalid_field = nullptr;              ///< index into policy::input_fields(), -1 when valid

  /// This view moved to row `begin` (the recommendation arrays by `begin` rows of `width`
  /// entries): where a chunk that starts at `begin` writes.
  [[nodiscard]] batch_output at_row(std::size_t begin, std::size_t width) const noexcept {
    batch_output view = *this;
    for (double** column : {&view.risk_score, &view.scale_score, &view.frequency_score, &view.reach_score, &view.margin,
                            &view.membership[0], &view.membership[1], &view.membership[2], &view.membership[3],
                            &view.users_for_high_scale, &view.active_days_for_high_scale}) {
      if (*column != nullptr) *column += begin;
    }
    if (view.archetype != nullptr) view.archetype += begin;
    if (view.borderline != nullptr) view.borderline += begin;
    if (view.recommendations != nullptr) view.recommendations += begin * width;
    if (view.recommendation_scores != nullptr) view.recommendation_scores += begin * width;
    if (view.recommendation_count != nullptr) view.recommendation_count += begin;
    if (view.status != nullptr) view.status += begin;
    if (view.invalid_field != nullptr) view.invalid_field += begin;
    return view;
  }
};

/// One chunk of `classify_chunks`: rows [begin, end) of the portfolio, run by `worker`
/// (0 .. threads-1; worker 0 is the caller's thread).
struct chunk {
  unsigned worker = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
  /// Number of rows.
  [[nodiscard]] std::size_t rows() const noexcept { return end - begin; }
};

/// Owning results of a batch, in SPEC §8 order; `view()` gives the matching `batch_output`.
struct batch_result {
  std::size_t rows = 0;
  std::size_t recommendation_width = 0;
  Eigen::ArrayXd risk_score, scale_score, frequency_score, reach_score;
  std::vector<std::int8_t> archetype;
  Eigen::ArrayXd margin;
  std::vector<std::uint8_t> borderline;
  std::array<Eigen::ArrayXd, archetype_count> membership;
  std::vector<std::int16_t> recommendations;
  Eigen::ArrayXd recommendation_scores;
  std::vector<std::int16_t> recommendation_count;
  Eigen::ArrayXd users_for_high_scale, active_days_for_high_scale;
  std::vector<row_status> status;
  std::vector<std::int16_t> invalid_field;

  /// Allocates every column for `rows` accounts under `pol`.
  batch_result(std::size_t row_count, const policy& pol)
      : rows(row_count),
        recommendation_width(pol.recommendation_width()),
        risk_score(static_cast<Eigen::Index>(row_count)),
        scale_score(static_cast<Eigen::Index>(row_count)),
        frequency_score(static_cast<Eigen::Index>(row_count)),
        reach_score(static_cast<Eigen::Index>(row_count)),
        archetype(row_count),
        margin(static_cast<Eigen::Index>(row_count)),
        borderline(row_count),
        recommendations(row_count * recommendation_width),
        recommendation_scores(static_cast<Eigen::Index>(row_count * recommendation_width)),
        recommendation_count(row_count),
        users_for_high_scale(static_cast<Eigen::Index>(row_count)),
        active_days_for_high_scale(static_cast<Eigen::Index>(row_count)),
        status(row_count),
        invalid_field(row_count) {
    for (auto& column : membership) column.resize(static_cast<Eigen::Index>(row_count));
  }

  /// Pointers to every column, for `classify_into`.
  [[nodiscard]] batch_output view() {
    batch_output out;
    out.risk_score = risk_score.data();
    out.scale_score = scale_score.data();
    out.frequency_score = frequency_score.data();
    out.reach_score = reach_score.data();
    out.archetype = archetype.data();
    out.margin = margin.data();
    out.borderline = borderline.data();
    for (std::size_t a = 0; a < archetype_count; ++a) out.membership[a] = membership[a].data();
    out.users_for_high_scale = users_for_high_scale.data();
    out.active_days_for_high_scale = active_days_for_high_scale.data();
    out.recommendations = recommendations.data();
    out.recommendation_scores = recommendation_scores.data();
    out.recommendation_count = recommendation_count.data();
    out.status = status.data();
    out.invalid_field = invalid_field.data();
    return out;
  }

  /// Number of rows that got no scores.
  [[nodiscard]] std::size_t invalid_rows() const noexcept {
    return static_cast<std::size_t>(
        std::count_if(status.begin(), status.end(), [](row_status s) { return s != row_status::ok; }));
  }
};

namespace detail {

// Gathers the input pointers in policy::input_fields() order; a missing required column is a caller error.
inline std::vector<const double*> resolve_columns(const portfolio& input, const policy& pol) {
  std::vector<const double*> columns;
  const std::vector<std::string> fields = pol.input_fields();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const double* column = input.find(fields[i]);
    const bool optional = fields[i] == "seats";
    if (column == nullptr && !optional && input.rows() > 0) {
      std::string required;
      for (std::size_t j = 0; j + 1 < fields.size(); ++j) required += (j ? ", " : "") + fields[j];
      throw input_error(
          fields[i], std::nullopt, "",
          "missing column; the policy requires the columns " + required + " (and reads seats when present)");
    }
    columns.push_back(column);
  }
  return columns;
}

/// Rows of a range from which its results are streamed to memory by default (about 20 MB of outputs).
inline constexpr std::size_t streaming_rows = std::size_t{1} << 18;

#if RISKSCALE_HAS_STREAMING_STORES
/// Copies a block of B doubles to 16-byte aligned `destination` with non-temporal stores.
template <int B>
inline void stream_block(double* destination, const double* values) noexcept {
  for (int i = 0; i < B; i += 2) _mm_stream_pd(destination + i, _mm_loadu_pd(values + i));
}
#endif

/// Classifies rows [begin, end) into `out` with the kernel copy for `isa` (tests force each one).
/// `stream`: write the float columns with non-temporal stores (for results larger than the caches
/// that are not read again at once).
inline void classify_range(const policy& pol, const double* const* columns, std::size_t field_count, std::size_t begin,
                           std::size_t end, const batch_output& out, simd_isa isa = best_isa(), bool stream = false) {
  constexpr int B = batch_block_rows;
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  const kernel_parameters parameters(pol);
  const policy_settings& settings = pol.settings();
  const std::vector<training_format>& catalog = pol.catalog();
  const std::size_t width = pol.recommendation_width();
  const bool want_recommendations =
      out.recommendations != nullptr || out.recommendation_scores != nullptr || out.recommendation_count != nullptr;
  std::vector<std::int16_t> indices(std::max<std::size_t>(width, 1));
  std::vector<double> scores(std::max<std::size_t>(width, 1));
  // SPEC §5 format scores of a block, format-major: format k of lane l at [k * B + l].
  std::vector<double> format_scores(want_recommendations ? catalog.size() * B : 0);
  // Sorting-network ranking (catalogues of up to network_formats formats), format-major like format_scores.
  const bool use_network = want_recommendations && catalog.size() <= network_formats;
  std::vector<double> sort_keys(use_network ? catalog.size() * B : 0);
  alignas(64) std::array<std::int64_t, B> candidate_count;
  alignas(64) std::array<std::int64_t, B> near_tie;
  block_scores<B> block;
#if !RISKSCALE_HAS_STREAMING_STORES
  (void)stream;
#endif
  for (std::size_t offset = begin; offset < end; offset += B) {
    const int count = static_cast<int>(std::min<std::size_t>(B, end - offset));
    compute_block<B>(parameters, block_source{columns, field_count, offset, count}, block, isa);
    const auto write = [&](double* column, const lanes<B>& values) {
      if (column == nullptr) return;
#if RISKSCALE_HAS_STREAMING_STORES
      if (stream && count == B && reinterpret_cast<std::uintptr_t>(column + offset) % 16 == 0) {
        stream_block<B>(column + offset, values.data());
        return;
      }
#endif
      std::copy_n(values.data(), count, column + offset);
    };
    write(out.risk_score, block.risk);
    write(out.scale_score, block.scale);
    write(out.frequency_score, block.frequency);
    write(out.reach_score, block.reach);
    write(out.margin, block.margin);
    for (std::size_t a = 0; a < archetype_count; ++a) write(out.membership[a], block.membership[a]);
    write(out.users_for_high_scale, block.users_for_high_scale);
    write(out.active_days_for_high_scale, block.active_days_for_high_scale);
    std::copy_n(block.status.data(), count, out.status + offset);
    if (out.invalid_field != nullptr) std::copy_n(block.invalid_field.data(), count, out.invalid_field + offset);
    // SPEC §4: archetype and borderline (an invalid lane's values are replaced below).
    if (out.archetype != nullptr) {
      for (int lane = 0; lane < count; ++lane) {
        out.archetype[offset + static_cast<std::size_t>(lane)] = static_cast<std::int8_t>(
            archetype_of(block.scale[lane] >= settings.scale_threshold, block.risk[lane] >= settings.risk_threshold));
      }
    }
    if (out.borderline != nullptr) {
      for (int lane = 0; lane < count; ++lane) {
        out.borderline[offset + static_cast<std::size_t>(lane)] = block.margin[lane] < settings.borderline_band;
      }
    }
    if (want_recommendations) {
      for (std::size_t k = 0; k < catalog.size(); ++k) {
        double* score = format_scores.data() + k * B;
        bool first = true;  // the first non-zero term is assigned: 0 + x is x, so the bits equal format_score()'s
        for (std::size_t a = 0; a < archetype_count; ++a) {
          const double affinity = catalog[k].affinity[a];
          if (affinity == 0.0) continue;  // as format_score(): the same sum, the same bits
          const double* membership = block.membership[a].data();
          if (first) {
            for (int lane = 0; lane < B; ++lane) score[lane] = membership[lane] * affinity;
          } else {
            for (int lane = 0; lane < B; ++lane) score[lane] += membership[lane] * affinity;
          }
          first = false;
        }
        if (first) std::fill_n(score, B, 0.0);
      }
      if (use_network) {
        // SPEC §5 for catalogues of up to 16 formats, without a branch per comparison
        // (detail/rank_network.hpp); a lane flagged as a near tie is ranked by the insertion rule below.
        rank_block<B>(format_scores.data(), catalog.size(), settings.min_score, sort_keys.data(),
                      candidate_count.data(), near_tie.data(), isa);
      }
      for (int lane = 0; lane < count; ++lane) {
        const std::size_t row = offset + static_cast<std::size_t>(lane);
        std::size_t ranked = 0;
        if (block.status[lane] == row_status::ok) {
          if (use_network && near_tie[lane] == 0) {
            ranked = std::min<std::size_t>(static_cast<std::size_t>(candidate_count[lane]), width);
            for (std::size_t j = 0; j < ranked; ++j) {
              const std::size_t k = format_of_sort_key(sort_keys[j * B + static_cast<std::size_t>(lane)]);
              indices[j] = static_cast<std::int16_t>(k);
              scores[j] = format_scores[k * B + static_cast<std::size_t>(lane)];
            }
          } else {
            ranked = rank_scored_formats(format_scores.data() + lane, B, catalog.size(), width, settings.min_score,
                                         indices.data(), scores.data());
          }
        }
        if (out.recommendation_count != nullptr) {
          out.recommendation_count[row] = static_cast<std::int16_t>(ranked);
        }
        // Element loops rather than copy_n + fill: a row is a few entries, shorter than a memmove call.
        if (out.recommendations != nullptr) {
          std::int16_t* destination = out.recommendations + row * width;
          for (std::size_t j = 0; j < width; ++j) destination[j] = j < ranked ? indices[j] : std::int16_t{-1};
        }
        if (out.recommendation_scores != nullptr) {
          double* destination = out.recommendation_scores + row * width;
          for (std::size_t j = 0; j < width; ++j) destination[j] = j < ranked ? scores[j] : nan;
        }
      }
    }
    if (!block.any_invalid) continue;
    // SPEC §2: an invalid row gets no scores, never clamped values.
    for (int lane = 0; lane < count; ++lane) {
      if (block.status[lane] == row_status::ok) continue;
      const std::size_t row = offset + static_cast<std::size_t>(lane);
      for (double* column : {out.risk_score, out.scale_score, out.frequency_score, out.reach_score, out.margin,
                             out.membership[0], out.membership[1], out.membership[2], out.membership[3],
                             out.users_for_high_scale, out.active_days_for_high_scale}) {
        if (column != nullptr) column[row] = nan;
      }
      if (out.archetype != nullptr) out.archetype[row] = -1;
      if (out.borderline != nullptr) out.borderline[row] = 0;
    }
  }
#if RISKSCALE_HAS_STREAMING_STORES
  if (stream) _mm_sfence();  // streamed stores are visible before the caller (or a joining thread) reads
#endif
}

}  // namespace detail

/// Classifies `input` chunk by chunk on `options.threads` threads, and hands each finished chunk
/// to the caller: `outputs(chunk)` returns where the chunk's results go (a `batch_output` whose
/// pointers address the chunk's first row, e.g. `out.at_row(c.begin, width)` of whole-portfolio
/// columns, or a worker's own buffers), and `on_chunk(chunk, const batch_output&)` is called on
/// the same thread as soon as the chunk is classified (to rank, encode or stream its rows). Chunk
/// c runs on worker c % threads, so a worker's buffers are never shared. Invalid rows get a
/// `status` and `invalid_field` and NaN scores, never an exception; throws `input_error` only when
/// a required column is missing.
template <class Outputs, class OnChunk>
void classify_chunks(const portfolio& input, const policy& pol, const batch_options& options, Outputs&& outputs,
                     OnChunk&& on_chunk) {
  const std::vector<const double*> columns = detail::resolve_columns(input, pol);
  const std::size_t rows = input.rows();
  if (rows == 0) return;
  // Results larger than the caches go straight to memory: no read of each output line before it
  // is written, and no eviction of the inputs still to come.
  const bool stream = rows >= detail::streaming_rows;
  run_chunks(plan_chunks(rows, options), rows, [&](unsigned worker, std::size_t begin, std::size_t end) {
    const chunk piece{worker, begin, end};
    const batch_output out = outputs(piece);
    if (out.status == nullptr) {
      throw error("batch_output::status is null; accepted: a buffer of one row_status per row of the chunk");
    }
    // The chunk's own view of the inputs: every column moved to the chunk's first row.
    std::vector<const double*> shifted(columns.size());
    for (std::size_t i = 0; i < columns.size(); ++i) shifted[i] = columns[i] != nullptr ? columns[i] + begin : nullptr;
    detail::classify_range(pol, shifted.data(), shifted.size(), 0, end - begin, out, detail::best_isa(), stream);
    on_chunk(piece, out);
  });
}

/// Classifies every row of `input` into the caller's columns `out`; invalid rows get a
/// `status` and `invalid_field` and NaN scores, never an exception. Throws `input_error`
/// only when a required column is missing.
inline void classify_into(const portfolio& input, const policy& pol, const batch_output& out,
                          const batch_options& options = {}) {
  if (out.status == nullptr && input.rows() > 0) {
    throw error("batch_output::status is null; accepted: a buffer of rows() row_status values");
  }
  const std::size_t width = pol.recommendation_width();
  classify_chunks(
      input, pol, options, [&](const chunk& piece) { return out.at_row(piece.begin, width); },
      [](const chunk&, const batch_output&) {});
}

/// SPEC §5: ranks the catalogue for one account's memberships (SPEC §1 order) into `indices` and
/// `scores` (room for `pol.recommendation_width()` each); returns how many formats were recommended.
inline std::size_t rank_formats(const policy& pol, const std::array<double, archetype_count>& membership,
                                std::int16_t* indices, double* scores) {
  return detail::rank_formats(pol, membership, indices, scores);
}

/// Classifies every row of `input` into newly allocated columns.
[[nodiscard]] inline batch_result classify(const portfolio& input, const policy& pol = policy(),
                                           const batch_options& options = {}) {
  batch_result result(input.rows(), pol);
  classify_into(input, pol, result.view(), options);
  return result;
}

/// The `input_error` describing invalid row `row` of a batch, with its `refusal` as data (for front
/// ends that raise on the first one).
[[nodiscard]] inline input_error row_error(const portfolio& input, const policy& pol, std::size_t row,
                                           row_status status, std::int16_t invalid_field, std::string account_id = "") {
  const std::vector<input_descriptor> schema = input_schema(pol);
  const input_descriptor& field = schema.at(static_cast<std::size_t>(invalid_field));
  const double* column = input.find(field.name);
  const double value = column != nullptr ? column[row] : std::numeric_limits<double>::quiet_NaN();
  return refused_row(field, row, std::move(account_id), value, status);
}

}  // namespace riskscale
