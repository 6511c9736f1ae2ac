// NVIDIA Dynamo: a DynamoGraphDeployment with a frontend and vLLM prefill / decode workers, in the
// shape of Dynamo's examples/backends/vllm/deploy/disagg.yaml: nvidia.com/v1beta1 (components[] with
// type, podTemplate, GPUs in resources.limits["nvidia.com/gpu"]) or, on request, the deprecated
// v1alpha1 (services{} with componentType / subComponentType, resources.limits.gpu).
#include <fmt/format.h>

#include <stdexcept>

#include "core/disagg/config_writers.h"
#include "core/disagg/config_yaml.h"

namespace hp::disagg {

namespace {

using J = nlohmann::ordered_json;

constexpr const char* kDefaultImage = "nvcr.io/nvidia/ai-dynamo/vllm-runtime:my-tag";
constexpr const char* kWorkingDir = "/workspace/examples/backends/vllm";
constexpr const char* kSecret = "hf-token-secret";

// Worker args: model, TP when > 1, and for P/D the role and the connector.
J worker_args(const DeployPlan& p, const char* role) {
  J a = J::array({"--model", p.model});
  if (p.tp > 1) a.insert(a.end(), {"--tensor-parallel-size", std::to_string(p.tp)});
  if (role) a.insert(a.end(), {"--disaggregation-mode", role, "--kv-transfer-config", kv_transfer_json(p)});
  return a;
}

J v1beta1_worker(const DeployPlan& p, const std::string& image, const char* name, const char* type,
                 const char* role, int replicas) {
  J c;
  c["args"] = worker_args(p, role);
  c["command"] = J::array({"python3", "-m", "dynamo.vllm"});
  c["envFrom"] = J::array({J{{"secretRef", J{{"name", kSecret}}}}});
  c["image"] = image;
  c["name"] = "main";
  c["resources"] = J{{"limits", J{{"nvidia.com/gpu", std::to_string(p.tp)}}},
                     {"requests", J{{"ephemeral-storage", "2Gi"}}}};
  c["workingDir"] = kWorkingDir;
  J comp;
  comp["name"] = name;
  comp["podTemplate"] = J{{"spec", J{{"containers", J::array({c})}}}};
  comp["replicas"] = replicas;
  comp["type"] = type;
  return comp;
}

J v1beta1(const DeployPlan& p, const std::string& image) {
  J doc;
  doc["apiVersion"] = "nvidia.com/v1beta1";
  doc["kind"] = "DynamoGraphDeployment";
  doc["metadata"] = J{{"name", p.name}};
  J frontend;
  frontend["name"] = "Frontend";
  frontend["podTemplate"] = J{{"spec", J{{"containers", J::array({J{{"image", image}, {"name", "main"}}})}}}};
  frontend["replicas"] = 1;
  frontend["type"] = "frontend";
  J comps = J::array({frontend});
  if (p.monolithic()) {
    comps.push_back(v1beta1_worker(p, image, "VllmWorker", "worker", nullptr, p.decode));
  } else {
    comps.push_back(v1beta1_worker(p, image, "VllmDecodeWorker", "decode", "decode", p.decode));
    comps.push_back(v1beta1_worker(p, image, "VllmPrefillWorker", "prefill", "prefill", p.prefill));
  }
  doc["spec"] = J{{"components", comps}};
  return doc;
}

J v1alpha1_worker(const DeployPlan& p, const std::string& image, const char* role, int replicas) {
  J s;
  s["envFromSecret"] = kSecret;
  s["componentType"] = "worker";
  if (role) s["subComponentType"] = role;
  s["replicas"] = replicas;
  s["resources"] = J{{"limits", J{{"gpu", std::to_string(p.tp)}}},
                     {"requests", J{{"custom", J{{"ephemeral-storage", "2Gi"}}}}}};
  J main;
  main["image"] = image;
  main["workingDir"] = kWorkingDir;
  main["command"] = J::array({"python3", "-m", "dynamo.vllm"});
  main["args"] = worker_args(p, role);
  s["extraPodSpec"] = J{{"mainContainer", main}};
  return s;
}

J v1alpha1(const DeployPlan& p, const std::string& image) {
  J doc;
  doc["apiVersion"] = "nvidia.com/v1alpha1";
  doc["kind"] = "DynamoGraphDeployment";
  doc["metadata"] = J{{"name", p.name}};
  J services;
  services["Frontend"] = J{{"componentType", "frontend"},
                           {"replicas", 1},
                           {"extraPodSpec", J{{"mainContainer", J{{"image", image}}}}}};
  if (p.monolithic()) {
    services["VllmWorker"] = v1alpha1_worker(p, image, nullptr, p.decode);
  } else {
    services["VllmDecodeWorker"] = v1alpha1_worker(p, image, "decode", p.decode);
    services["VllmPrefillWorker"] = v1alpha1_worker(p, image, "prefill", p.prefill);
  }
  doc["spec"] = J{{"services", services}};
  return doc;
}

}  // namespace

ConfigFiles dynamo_config(const DeployPlan& p) {
  check_plan(p);
  std::string api = p.version.empty() ? "v1beta1" : p.version;
  if (api != "v1beta1" && api != "v1alpha1")
    throw std::invalid_argument(fmt::format(
        "dynamo: --version '{}' is not a DynamoGraphDeployment apiVersion (v1beta1, or v1alpha1 for "
        "operators before Dynamo 1.x)",
        p.version));
  std::string image = p.image.empty() ? kDefaultImage : p.image;
  std::string text = header_comment(p, fmt::format("NVIDIA Dynamo DynamoGraphDeployment nvidia.com/{}", api));
  text += fmt::format(
      "# Apply with `kubectl apply -n NAMESPACE -f <this file>`; needs the secret {} (HF_TOKEN).\n", kSecret);
  if (p.image.empty())
    text += fmt::format("# {} is a placeholder: set the runtime image (--image).\n", kDefaultImage);
  text += to_yaml(api == "v1beta1" ? v1beta1(p, image) : v1alpha1(p, image));
  return {{fmt::format("dynamo-{}.{}.yaml", p.name, api), text}};
}

}  // namespace hp::disagg
