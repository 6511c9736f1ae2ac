// Deployment-config writers: Dynamo against the DGD CRD and llm-d against the chart's
// values.schema.json (shared/fixtures/configs, PROVENANCE.md), our own key allow-lists (both schemas
// accept unknown keys), structure equal to the upstream golden examples for the same layout, and the
// vLLM / SGLang / TRT-LLM commands parsed back.
#include <catch2/catch.hpp>

#include "core/disagg/config_writers.h"
#include "support/config_check.h"

using namespace hp::disagg;
using namespace hp::test;
using nlohmann::json;

namespace {

const std::string kConfigs = std::string(HOTPATH_SHARED_FIXTURES) + "/configs/";
const std::string kCrd = kConfigs + "dynamo/nvidia.com_dynamographdeployments.crd.yaml.gz";
const std::string kValuesSchema = kConfigs + "llm-d/modelservice_values.schema.json";

DeployPlan plan(const char* pd, int tp, const char* name = "hotpath-pd") {
  DeployPlan p;
  parse_pd(pd, p);
  p.tp = tp;
  p.name = name;
  return p;
}

// Key paths we emit (allow-lists): a path outside these is a typo or a key the target ignores.
const std::set<std::string> kDgdV1beta1 = {
    "apiVersion",
    "kind",
    "metadata.name",
    "spec.components[].name",
    "spec.components[].replicas",
    "spec.components[].type",
    "spec.components[].podTemplate.spec.containers[].name",
    "spec.components[].podTemplate.spec.containers[].image",
    "spec.components[].podTemplate.spec.containers[].args[]",
    "spec.components[].podTemplate.spec.containers[].command[]",
    "spec.components[].podTemplate.spec.containers[].envFrom[].secretRef.name",
    "spec.components[].podTemplate.spec.containers[].resources.limits.nvidia.com/gpu",
    "spec.components[].podTemplate.spec.containers[].resources.requests.ephemeral-storage",
    "spec.components[].podTemplate.spec.containers[].workingDir"};
const std::set<std::string> kLlmdValues = {"multinode",
                                           "modelArtifacts.name",
                                           "modelArtifacts.labels.llm-d.ai/inference-serving",
                                           "modelArtifacts.labels.llm-d.ai/model",
                                           "modelArtifacts.uri",
                                           "modelArtifacts.size",
                                           "routing.servicePort",
                                           "routing.proxy.secure",
                                           "decode.create",
                                           "decode.replicas",
                                           "decode.parallelism.tensor",
                                           "decode.containers[].name",
                                           "decode.containers[].image",
                                           "decode.containers[].modelCommand",
                                           "decode.containers[].args[]",
                                           "decode.containers[].env[].name",
                                           "decode.containers[].env[].value",
                                           "decode.containers[].env[].valueFrom.fieldRef.fieldPath",
                                           "decode.containers[].ports[].containerPort",
                                           "decode.containers[].ports[].protocol",
                                           "decode.containers[].mountModelVolume",
                                           "prefill.create",
                                           "prefill.replicas",
                                           "prefill.parallelism.tensor",
                                           "prefill.containers[].name",
                                           "prefill.containers[].image",
                                           "prefill.containers[].modelCommand",
                                           "prefill.containers[].args[]",
                                           "prefill.containers[].env[].name",
                                           "prefill.containers[].env[].value",
                                           "prefill.containers[].env[].valueFrom.fieldRef.fieldPath",
                                           "prefill.containers[].ports[].containerPort",
                                           "prefill.containers[].ports[].protocol",
                                           "prefill.containers[].mountModelVolume"};

std::set<std::string> with_keys(const std::set<std::string>& allow, const json& doc) {
  return minus(key_paths(doc), allow);  // empty when every key is allowed
}

}  // namespace

TEST_CASE("disagg-config: Dynamo v1beta1 equals the upstream vLLM disagg example", "[disagg-config]") {
  DeployPlan p = plan("1:1", 1, "vllm-disagg");
  p.image = "nvcr.io/nvidia/ai-dynamo/vllm-runtime:my-tag";
  auto files = dynamo_config(p);
  REQUIRE(files.size() == 1);
  REQUIRE(files[0].first == "dynamo-vllm-disagg.v1beta1.yaml");
  json ours = yaml_text_json("dgd.yaml", files[0].second);
  json golden = yaml_file_json(kConfigs + "dynamo/vllm_disagg.v1beta1.yaml");
  CHECK(ours == golden);  // same layout, model, image and name: the same document
  CHECK(files[0].second.rfind("# NVIDIA Dynamo DynamoGraphDeployment nvidia.com/v1beta1", 0) == 0);
  CHECK(schema_errors(kCrd, "dgd.yaml", files[0].second).empty());
}

TEST_CASE("disagg-config: Dynamo layouts validate against the CRD and our allow-list", "[disagg-config]") {
  for (const char* pd : {"1:1", "2:3", "mono:2"}) {
    for (int tp : {1, 4}) {
      DeployPlan p = plan(pd, tp);
      INFO(pd << " tp " << tp);
      std::string text = dynamo_config(p)[0].second;
      CHECK(schema_errors(kCrd, "dgd.yaml", text).empty());
      json doc = yaml_text_json("dgd.yaml", text);
      CHECK(with_keys(kDgdV1beta1, doc).empty());
      CHECK(doc["apiVersion"] == "nvidia.com/v1beta1");
      int gpus = 0, prefill = 0, decode = 0;
      for (const auto& c : doc["spec"]["components"]) {
        const auto& ctr = c["podTemplate"]["spec"]["containers"][0];
        if (c["type"] == "frontend") continue;
        gpus += c["replicas"].get<int>() *
                std::stoi(ctr["resources"]["limits"]["nvidia.com/gpu"].get<std::string>());
        if (c["type"] == "prefill") prefill += c["replicas"].get<int>();
        if (c["type"] == "decode") decode += c["replicas"].get<int>();
        std::string mode = c["type"] == "worker" ? std::string() : c["type"].get<std::string>();
        CHECK(flag_value(ctr["args"], "--disaggregation-mode") == mode);
        CHECK(flag_value(ctr["args"], "--tensor-parallel-size") == (tp > 1 ? std::to_string(tp) : ""));
      }
      CHECK(gpus == p.gpus());
      CHECK(prefill == p.prefill);
      CHECK(decode == (p.monolithic() ? 0 : p.decode));
    }
  }
  // The CRD catches a negative replica count and a wrong type, but not an unknown key: the allow-list does.
  json bad = yaml_text_json("dgd.yaml", dynamo_config(plan("1:1", 1))[0].second);
  bad["spec"]["components"][1]["replicas"] = -1;
  bad["spec"]["components"][2]["type"] = "prefil";
  auto errors = schema_errors(kCrd, "bad.yaml", bad.dump());
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].find("less than the minimum of 0") != std::string::npos);
  CHECK(errors[1].find("'prefil' is not one of") != std::string::npos);
  json unknown = yaml_text_json("dgd.yaml", dynamo_config(plan("1:1", 1))[0].second);
  unknown["spec"]["components"][1]["bogusKey"] = 1;
  CHECK(schema_errors(kCrd, "unknown.yaml", unknown.dump()).empty());
  CHECK(with_keys(kDgdV1beta1, unknown) == std::set<std::string>{"spec.components[].bogusKey"});
}

TEST_CASE("disagg-config: Dynamo v1alpha1 has the structure of the legacy example", "[disagg-config]") {
  DeployPlan p = plan("1:1", 1, "vllm-disagg");
  p.version = "v1alpha1";
  auto files = dynamo_config(p);
  REQUIRE(files[0].first == "dynamo-vllm-disagg.v1alpha1.yaml");
  CHECK(schema_errors(kCrd, "dgd1.yaml", files[0].second).empty());
  json ours = yaml_text_json("dgd1.yaml", files[0].second);
  json golden = yaml_file_json(kConfigs + "dynamo/vllm_disagg.v1alpha1.yaml");
  CHECK(key_paths(ours) == key_paths(golden));
  // componentType / subComponentType are free strings in the schema: check the values ourselves.
  for (const auto& [name, s] : ours["spec"]["services"].items()) {
    INFO(name);
    CHECK((s["componentType"] == "frontend" || s["componentType"] == "worker"));
    if (s.contains("subComponentType"))
      CHECK((s["subComponentType"] == "prefill" || s["subComponentType"] == "decode"));
  }
  CHECK(ours["spec"]["services"]["VllmPrefillWorker"]["subComponentType"] == "prefill");
  CHECK(ours["spec"]["services"]["VllmDecodeWorker"]["resources"]["limits"]["gpu"] == "1");
  p.version = "v2";
  CHECK_THROWS_WITH(dynamo_config(p), Catch::Contains("not a DynamoGraphDeployment apiVersion"));
}

TEST_CASE("disagg-config: llm-d values validate and match values-pd.yaml", "[disagg-config]") {
  json golden = yaml_file_json(kConfigs + "llm-d/modelservice_values-pd.yaml");
  json hetero = yaml_file_json(kConfigs + "llm-d/modelservice_values-heterogeneous-pd.yaml");
  DeployPlan p = plan("1:1", 1);
  p.model = "facebook/opt-125m";
  std::string text = llmd_config(p)[0].second;
  CHECK(schema_errors(kValuesSchema, "values.yaml", text).empty());
  json ours = yaml_text_json("values.yaml", text);
  CHECK(with_keys(kLlmdValues, ours).empty());
  CHECK(minus(key_paths(ours), key_paths(golden)).empty());
  // Left out on purpose: CPU / memory requests are site-specific; the chart adds the GPUs.
  std::set<std::string> omitted;
  for (const char* role : {"decode", "prefill"})
    for (const char* k : {"limits.memory", "limits.cpu", "requests.cpu", "requests.memory"})
      omitted.insert(std::string(role) + ".containers[].resources." + k);
  CHECK(minus(key_paths(golden), key_paths(ours)) == omitted);
  CHECK(ours["modelArtifacts"]["labels"] == golden["modelArtifacts"]["labels"]);
  CHECK(ours["decode"]["containers"][0]["ports"] == golden["decode"]["containers"][0]["ports"]);
  CHECK(ours["prefill"]["containers"][0]["ports"] == golden["prefill"]["containers"][0]["ports"]);
  CHECK(json::parse(ours["decode"]["containers"][0]["args"][1].get<std::string>()) ==
        json::parse(golden["decode"]["containers"][0]["args"][2].get<std::string>()));

  // TP through parallelism.tensor (as the heterogeneous example), never a raw --tensor-parallel-size.
  DeployPlan q = plan("2:3", 2);
  text = llmd_config(q)[0].second;
  CHECK(schema_errors(kValuesSchema, "values.yaml", text).empty());
  ours = yaml_text_json("values.yaml", text);
  CHECK(with_keys(kLlmdValues, ours).empty());
  CHECK(minus(key_paths(ours), key_paths(golden)) ==
        std::set<std::string>{"decode.parallelism.tensor", "prefill.parallelism.tensor"});
  CHECK(minus(key_paths(ours), key_paths(hetero)).empty());
  CHECK(ours["decode"]["parallelism"]["tensor"] == 2);
  CHECK(ours["decode"]["replicas"] == 3);
  CHECK(ours["prefill"]["replicas"] == 2);
  CHECK(text.find("--tensor-parallel-size") == std::string::npos);

  // The schema rejects a string replica count; it lets an unknown key through, the allow-list does not.
  json bad = ours;
  bad["decode"]["replicas"] = "2";
  auto errors = schema_errors(kValuesSchema, "bad.yaml", bad.dump());
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].find("is not of type 'integer'") != std::string::npos);
  bad = ours;
  bad["decode"]["bogus"] = true;
  CHECK(schema_errors(kValuesSchema, "bad.yaml", bad.dump()).empty());
  CHECK(with_keys(kLlmdValues, bad) == std::set<std::string>{"decode.bogus"});

  json mono = yaml_text_json("values.yaml", llmd_config(plan("mono", 1))[0].second);
  CHECK(mono["prefill"] == json{{"create", false}});
  CHECK_FALSE(mono["decode"]["containers"][0].contains("args"));
}
