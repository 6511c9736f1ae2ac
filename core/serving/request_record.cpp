#include "core/serving/request_record.h"

namespace hp::serving {

const char* to_string(RequestStatus s) {
  switch (s) {
    case RequestStatus::Ok:
      return "ok";
    case RequestStatus::HttpError:
      return "http_error";
    case RequestStatus::Timeout:
      return "timeout";
    case RequestStatus::Disconnect:
      return "disconnect";
    case RequestStatus::Malformed:
      return "malformed";
    case RequestStatus::ConnectError:
      return "connect_error";
    case RequestStatus::Cancelled:
      return "cancelled";
  }
  return "unknown";
}

}  // namespace hp::serving
