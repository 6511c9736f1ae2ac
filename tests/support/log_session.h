#pragma once
// The shared vLLM 0.15 server log (tests/data/logs) opened as a Session, as several tests read it.
#include <memory>
#include <string>

#include "core/session/load_session.h"

namespace hp::test {

inline std::shared_ptr<const Session> vllm_log_session() {
  LoadProgress progress;
  return load_session(
      {std::string(HOTPATH_TEST_DATA) + "/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz"},
      progress);
}

}  // namespace hp::test
