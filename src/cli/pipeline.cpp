#include "cli/pipeline.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/cli_error.hpp"

namespace riskscale::cli {

void chunk::clear() {
  lines.clear();
  errors.clear();
  oversized.clear();
  text.clear();
  raw_span.clear();
  cell_span.clear();
  record_end.clear();
  output.clear();
  rejects.clear();
  classified = 0;
  rejected = 0;
  summary.reset();
}

chunk_reader::chunk_reader(std::istream& in, std::string source_name, std::size_t rows_per_chunk,
                           std::size_t max_record_bytes)
    : in_(in), source_name_(std::move(source_name)), reader_(in), rows_per_chunk_(rows_per_chunk) {
  reader_.set_max_record_bytes(max_record_bytes);
}

std::vector<std::string> chunk_reader::read_header() {
  if (!reader_.next(record_)) {
    if (in_.bad()) throw cli_error("cannot read " + source_name_ + ": read error");
    throw cli_error(source_name_ + " is empty; accepted: a CSV file whose first row names the columns");
  }
  if (record_.malformed) {
    throw cli_error(source_name_ + " line " + std::to_string(record_.line) + ": the header row is malformed (" +
                    record_.error + "); accepted: a CSV header row of column names");
  }
  header_line_ = record_.line;
  return record_.fields;
}

bool chunk_reader::fill(chunk& out) {
  out.clear();
  out.first_order = records_read_;
  while (out.size() < rows_per_chunk_ && reader_.next(record_)) {
    out.lines.push_back(record_.line);
    out.errors.push_back(record_.malformed ? record_.error : std::string());
    out.oversized.push_back(record_.too_large);
    const std::size_t raw_begin = out.text.size();
    out.text += record_.raw;
    out.raw_span.emplace_back(raw_begin, out.text.size());
    // Without quotes, the fields are the record's text cut at the delimiters: when their sizes
    // add up to it, each field is a slice of the text just stored and is not copied again.
    std::size_t sliced = record_.fields.empty() ? 0 : record_.fields.size() - 1;
    for (const std::string& field : record_.fields) sliced += field.size();
    if (sliced == record_.raw.size() && record_.raw.find('"') == std::string::npos) {
      std::size_t begin = raw_begin;
      for (const std::string& field : record_.fields) {
        out.cell_span.emplace_back(begin, begin + field.size());
        begin += field.size() + 1;
      }
    } else {
      for (const std::string& field : record_.fields) {
        const std::size_t begin = out.text.size();
        out.text += field;
        out.cell_span.emplace_back(begin, out.text.size());
      }
    }
    out.record_end.push_back(out.cell_span.size());
  }
  if (in_.bad()) throw cli_error("cannot read " + source_name_ + ": read error");
  records_read_ += out.size();
  out.bytes_end = reader_.bytes_consumed();
  return out.size() > 0;
}

unsigned worker_count(unsigned requested) noexcept {
  return requested != 0 ? requested : std::max(1u, std::thread::hardware_concurrency());
}

void run_pipeline(chunk_reader& reader, unsigned workers, std::size_t max_in_flight,
                  const std::function<void(chunk&)>& process, const std::function<void(chunk&)>& consume) {
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::unique_ptr<chunk>> waiting;          // read, not yet processed
  std::map<std::size_t, std::unique_ptr<chunk>> done;  // processed, keyed by sequence
  std::vector<std::unique_ptr<chunk>> spare;           // consumed, ready for reuse
  std::size_t in_flight = 0;
  std::size_t produced = 0;
  bool input_done = false;
  std::exception_ptr failure;

  const auto fail = [&](std::exception_ptr error) {
    std::lock_guard<std::mutex> lock(mutex);
    if (!failure) failure = error;
    changed.notify_all();
  };

  const auto work = [&] {
    for (;;) {
      std::unique_ptr<chunk> item;
      {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait(lock, [&] { return failure || !waiting.empty() || input_done; });
        if (failure || waiting.empty()) return;
        item = std::move(waiting.front());
        waiting.pop_front();
      }
      try {
        process(*item);
      } catch (...) {
        fail(std::current_exception());
        return;
      }
      std::lock_guard<std::mutex> lock(mutex);
      done.emplace(item->sequence, std::move(item));
      changed.notify_all();
    }
  };

  const auto write = [&] {
    for (std::size_t next = 0;; ++next) {
      std::unique_ptr<chunk> item;
      {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait(lock, [&] { return failure || done.count(next) > 0 || (input_done && next == produced); });
        if (failure || done.count(next) == 0) return;
        item = std::move(done[next]);
        done.erase(next);
      }
      try {
        consume(*item);
      } catch (...) {
        fail(std::current_exception());
        return;
      }
      std::lock_guard<std::mutex> lock(mutex);
      spare.push_back(std::move(item));
      --in_flight;
      changed.notify_all();
    }
  };

  std::vector<std::thread> threads;
  for (unsigned w = 0; w < std::max(1u, workers); ++w) threads.emplace_back(work);
  threads.emplace_back(write);

  try {
    for (;;) {
      std::unique_ptr<chunk> item;
      {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait(lock, [&] { return failure || in_flight < max_in_flight; });
        if (failure) break;
        if (spare.empty()) {
          item = std::make_unique<chunk>();
        } else {
          item = std::move(spare.back());
          spare.pop_back();
        }
        ++in_flight;
      }
      item->sequence = produced;
      if (!reader.fill(*item)) {
        std::lock_guard<std::mutex> lock(mutex);
        --in_flight;
        break;
      }
      std::lock_guard<std::mutex> lock(mutex);
      waiting.push_back(std::move(item));
      ++produced;
      changed.notify_all();
    }
  } catch (...) {
    fail(std::current_exception());
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    input_done = true;
    changed.notify_all();
  }
  for (auto& thread : threads) thread.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace riskscale::cli
