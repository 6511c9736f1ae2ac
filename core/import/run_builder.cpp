// Placeholder builder: appends in file order without sorting. The full build stage (sort, depth,
// overflow lanes, flows, correlation join) replaces this file with the trace-import work.
#include "core/import/run_builder.h"

#include <map>
#include <tuple>

namespace hp {

struct RunBuilder::Impl {
  std::unique_ptr<Run> run = std::make_unique<Run>();
  std::map<std::tuple<uint32_t, int64_t, int64_t>, uint32_t> tracks;
};

RunBuilder::RunBuilder() : impl_(std::make_unique<Impl>()) {}
RunBuilder::~RunBuilder() = default;
StrId RunBuilder::intern(std::string_view s) {
  return impl_->run->strings.intern(s);
}
ArgsRef RunBuilder::add_args(std::string_view raw) {
  ArgsRef a{impl_->run->raw_args.size(), static_cast<uint32_t>(raw.size())};
  impl_->run->raw_args.append(raw);
  return a;
}
ImportLog& RunBuilder::log() {
  return impl_->run->log;
}
uint32_t RunBuilder::begin_source(TraceSource src) {
  impl_->run->sources.push_back(std::move(src));
  return static_cast<uint32_t>(impl_->run->sources.size() - 1);
}
TraceSource& RunBuilder::source() {
  return impl_->run->sources.back();
}
uint32_t RunBuilder::track(int64_t pid, int64_t tid, TrackKind kind) {
  uint32_t rank = impl_->run->sources.empty() ? 0 : source().rank;
  auto [it, added] = impl_->tracks.try_emplace({rank, pid, tid}, impl_->run->tracks.size());
  if (added) impl_->run->tracks.push_back(Track{.rank = rank, .kind = kind, .pid = pid, .tid = tid});
  return it->second;
}
Track& RunBuilder::track_at(uint32_t i) {
  return impl_->run->tracks[i];
}
uint32_t RunBuilder::add_slice(const SliceIn&) {
  return 0;
}
void RunBuilder::add_gpu(uint32_t, const GpuIn&) {}
void RunBuilder::add_api(uint32_t, int64_t) {}
void RunBuilder::add_python(uint32_t, int64_t, int64_t) {}
void RunBuilder::begin_slice(const SliceIn&) {}
void RunBuilder::end_slice(uint32_t, Ns, uint64_t) {}
void RunBuilder::add_flow_end(const FlowEndIn&) {}
void RunBuilder::add_instant(const InstantIn&) {}
void RunBuilder::add_counter(int64_t, std::string_view, Ns, double) {}
void RunBuilder::note_redaction(std::string_view, std::string_view) {
  ++impl_->run->redactions;
}
std::unique_ptr<Run> RunBuilder::finish() {
  return std::move(impl_->run);
}

}  // namespace hp
