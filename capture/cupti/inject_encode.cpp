#include "capture/cupti/inject_encode.h"

#include "core/capture/cupti_frames.h"

namespace hp::cupti {

uint32_t RecordEncoder::intern(const char* s, std::string& out) {
  if (!s || !*s) return 0;  // id 0: no name
  auto [it, added] = strings_.try_emplace(s, static_cast<uint32_t>(strings_.size() + 1));
  if (added) append_frame(out, StringDef{it->second, it->first});
  return it->second;
}

uint32_t RecordEncoder::api_name(CUpti_CallbackDomain domain, uint32_t cbid, std::string& out) {
  auto [it, added] = api_names_.try_emplace({static_cast<int>(domain), cbid}, 0);
  if (added) {
    const char* name = nullptr;
    if (cuptiGetCallbackName(domain, cbid, &name) == CUPTI_SUCCESS) it->second = intern(name, out);
  }
  return it->second;
}

bool RecordEncoder::add(const CUpti_Activity* record, std::string& out) {
  switch (record->kind) {
    case CUPTI_ACTIVITY_KIND_KERNEL:
    case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL: {
      auto* k = reinterpret_cast<const CUpti_ActivityKernel10*>(record);
      KernelRec r{k->start,
                  k->end,
                  k->correlationId,
                  k->deviceId,
                  k->contextId,
                  k->streamId,
                  intern(k->name, out),
                  k->gridX,
                  k->gridY,
                  k->gridZ,
                  k->blockX,
                  k->blockY,
                  k->blockZ,
                  k->registersPerThread,
                  k->staticSharedMemory,
                  k->dynamicSharedMemory,
                  k->graphId,
                  k->graphNodeId};
      append_frame(out, r);
      break;
    }
    case CUPTI_ACTIVITY_KIND_MEMCPY: {
      auto* m = reinterpret_cast<const CUpti_ActivityMemcpy6*>(record);
      append_frame(out, MemcpyRec{m->start, m->end, m->correlationId, m->deviceId, m->contextId, m->streamId,
                                  m->bytes, m->copyKind, m->srcKind, m->dstKind, m->graphId, m->graphNodeId,
                                  m->runtimeCorrelationId});
      break;
    }
    case CUPTI_ACTIVITY_KIND_MEMSET: {
      auto* m = reinterpret_cast<const CUpti_ActivityMemset4*>(record);
      append_frame(out, MemsetRec{m->start, m->end, m->correlationId, m->deviceId, m->contextId, m->streamId,
                                  m->bytes, m->value, m->memoryKind, m->graphId, m->graphNodeId});
      break;
    }
    case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION: {
      auto* s = reinterpret_cast<const CUpti_ActivitySynchronization2*>(record);
      append_frame(out, SyncRec{s->start, s->end, s->correlationId, s->contextId, s->streamId,
                                static_cast<uint32_t>(s->type), s->cudaEventId});
      break;
    }
    case CUPTI_ACTIVITY_KIND_RUNTIME:
    case CUPTI_ACTIVITY_KIND_DRIVER: {
      auto* a = reinterpret_cast<const CUpti_ActivityAPI*>(record);
      const bool driver = record->kind == CUPTI_ACTIVITY_KIND_DRIVER;
      append_frame(out, ApiRec{static_cast<uint8_t>(driver), a->cbid, a->start, a->end, a->processId,
                               a->threadId, a->correlationId,
                               api_name(driver ? CUPTI_CB_DOMAIN_DRIVER_API : CUPTI_CB_DOMAIN_RUNTIME_API,
                                        a->cbid, out),
                               a->returnValue});
      break;
    }
    case CUPTI_ACTIVITY_KIND_MARKER: {
      auto* m = reinterpret_cast<const CUpti_ActivityMarker2*>(record);
      const bool thread = m->objectKind == CUPTI_ACTIVITY_OBJECT_THREAD;
      append_frame(out, MarkerRec{static_cast<uint32_t>(m->flags), m->timestamp, m->id,
                                  thread ? m->objectId.pt.processId : 0, thread ? m->objectId.pt.threadId : 0,
                                  intern(m->name, out), intern(m->domain, out)});
      break;
    }
    case CUPTI_ACTIVITY_KIND_CONTEXT: {
      auto* c = reinterpret_cast<const CUpti_ActivityContext3*>(record);
      append_frame(out, ContextRec{c->contextId, c->deviceId});
      break;
    }
    default:
      ++skipped_;
      return false;
  }
  ++records_;
  return true;
}

}  // namespace hp::cupti
