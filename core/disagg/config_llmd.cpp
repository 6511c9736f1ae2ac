// llm-d: values for the llm-d-modelservice Helm chart with `decode` and `prefill` sections, in the
// shape of the chart's examples/values-pd.yaml. TP goes through `parallelism.tensor` (the chart adds
// --tensor-parallel-size and the GPU count), the connector JSON and NIXL env through the container.
#include <fmt/format.h>

#include <cctype>

#include "core/disagg/config_writers.h"
#include "core/disagg/config_yaml.h"

namespace hp::disagg {

namespace {

using J = nlohmann::ordered_json;

constexpr const char* kDefaultImage = "ghcr.io/llm-d/llm-d-cuda:latest";
constexpr int kProxyTargetPort = 8200;  // chart default routing.proxy.targetPort (decode's vLLM)

// "facebook/opt-125m" -> "facebook-opt-125m" (a label value).
std::string label_value(const std::string& model) {
  std::string out;
  for (char c : model) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    out += ok ? c : '-';
  }
  if (out.size() > 63) out.resize(63);
  while (!out.empty() && !std::isalnum(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out;
}

J role(const DeployPlan& p, const std::string& image, bool prefill_role, int replicas) {
  J r;
  r["create"] = true;
  r["replicas"] = replicas;
  if (p.tp > 1) r["parallelism"] = J{{"tensor", p.tp}};
  J c;
  c["name"] = "vllm";
  c["image"] = image;
  c["modelCommand"] = "vllmServe";
  int port = prefill_role ? p.router_port : kProxyTargetPort;
  J ports = J::array({J{{"containerPort", port}, {"protocol", "TCP"}}});
  if (!p.monolithic()) {
    c["args"] = J::array({"--kv-transfer-config", kv_transfer_json(p)});
    c["env"] = J::array(
        {J{{"name", "VLLM_NIXL_SIDE_CHANNEL_HOST"},
           {"valueFrom", J{{"fieldRef", J{{"fieldPath", "status.podIP"}}}}}},
         J{{"name", "VLLM_NIXL_SIDE_CHANNEL_PORT"}, {"value", std::to_string(p.side_channel_port)}}});
    ports.push_back(J{{"containerPort", p.side_channel_port}, {"protocol", "TCP"}});
  }
  c["ports"] = ports;
  c["mountModelVolume"] = true;
  r["containers"] = J::array({c});
  return r;
}

}  // namespace

ConfigFiles llmd_config(const DeployPlan& p) {
  check_plan(p);
  std::string image = p.image.empty() ? kDefaultImage : p.image;
  J doc;
  doc["multinode"] = false;
  J art;
  art["name"] = p.model;
  art["labels"] = J{{"llm-d.ai/inference-serving", "true"}, {"llm-d.ai/model", label_value(p.model)}};
  art["uri"] = "hf://" + p.model;
  art["size"] = "100Gi";
  doc["modelArtifacts"] = art;
  doc["routing"] = J{{"servicePort", p.router_port}, {"proxy", J{{"secure", false}}}};
  doc["decode"] = role(p, image, false, p.decode);
  doc["prefill"] = p.monolithic() ? J{{"create", false}} : role(p, image, true, p.prefill);
  std::string text = header_comment(p, "llm-d modelservice Helm values (chart llm-d-modelservice)");
  text +=
      "# helm install NAME llm-d-modelservice/llm-d-modelservice -f <this file>\n"
      "# Decode's vLLM listens on routing.proxy.targetPort (8200) behind the routing sidecar on the service\n"
      "# port; GPUs per pod come from parallelism.tensor. modelArtifacts.size is the download volume:\n"
      "# raise it above the model's size. UCX_TLS is left unset so that UCX can pick RDMA.\n";
  text += to_yaml(doc);
  return {{"llm-d-values.yaml", text}};
}

}  // namespace hp::disagg
