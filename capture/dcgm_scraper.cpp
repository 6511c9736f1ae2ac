#include "capture/dcgm_scraper.h"

#include <algorithm>
#include <chrono>

#include "capture/metrics_scraper.h"
#include "core/serving/dcgm_map.h"
#include "core/serving/serving_sink.h"

namespace hp::capture {

DcgmScraper::DcgmScraper(std::string url, double hz, ServingSink* writer)
    : url_(std::move(url)), hz_(std::clamp(hz, 0.1, 10.0)), writer_(writer) {}

DcgmScraper::~DcgmScraper() {
  stop();
}

void DcgmScraper::start() {
  stop_ = false;
  if (writer_) writer_->set_meta("measurement.dcgm_url", url_);
  thread_ = std::thread([this] { loop(); });
}

void DcgmScraper::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::string DcgmScraper::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

void DcgmScraper::loop() {
  using Clock = std::chrono::steady_clock;
  const auto period = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / hz_));
  auto next = Clock::now();
  bool named = false;
  while (!stop_) {
    serving::Scrape s;
    int64_t ts = 0;
    std::string err;
    if (scrape_once(url_, &s, &ts, &err, std::max(1.0, 2.0 / hz_))) {
      ++scrapes_;
      serving::DcgmScrape d = serving::dcgm_from_scrape(s, ts);
      if (writer_) {
        for (const auto& ms : d.series) writer_->add_samples(ms.key, ms.samples, false, "dcgm");
        if (!named) {
          for (const auto& [gpu, name] : d.gpu_names)
            writer_->set_meta("measurement.gpu." + gpu + ".name", name);
          if (!d.driver.empty()) writer_->set_meta("measurement.dcgm_driver_version", d.driver);
          named = !d.gpu_names.empty();
        }
      }
    } else {
      ++failures_;
      std::lock_guard lock(mu_);
      last_error_ = err;
    }
    next += period;
    if (next < Clock::now()) next = Clock::now();
    while (!stop_ && Clock::now() < next)
      std::this_thread::sleep_for(
          std::min<Clock::duration>(next - Clock::now(), std::chrono::milliseconds(20)));
  }
}

std::vector<serving::MetricSeries> dcgm_tracks(const std::vector<serving::MetricSeries>& series) {
  std::vector<serving::MetricSeries> out;
  for (const auto& s : series)
    if (auto key = serving::dcgm_key(s.key)) out.push_back({*key, s.samples, "dcgm"});
  return out;
}

}  // namespace hp::capture
