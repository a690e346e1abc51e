// Mixture-of-experts feed-forward block, Stage II transform and routing statistics.
#include "mgrs/model/moe.h"

#include <chrono>
#include <cmath>
#include <iomanip>
#include <limits>
#include <sstream>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include "mgrs/model/checkpoint.h"
#include "mgrs/model/keys.h"

namespace mgrs::model {

MoeFeedForwardImpl::MoeFeedForwardImpl(const TextConfig& text, const MoeConfig& moe)
    : num_experts_(moe.num_experts),
      top_k_(std::min(moe.top_k, moe.num_experts)),
      capacity_factor_(moe.capacity_factor),
      eval_capacity_factor_(moe.eval_capacity_factor),
      gumbel_in_training_(moe.router_noise == "gumbel") {
  router = register_module("router",
                           torch::nn::Linear(torch::nn::LinearOptions(text.hidden_size, num_experts_).bias(false)));
  experts = register_module("experts", torch::nn::ModuleList());
  for (int e = 0; e < num_experts_; ++e) {
    experts->push_back(std::make_shared<LlamaMlpImpl>(text.hidden_size, text.intermediate_size));
  }
  if (num_experts_ > 0) StackExpertWeights();
}

LlamaMlpImpl& MoeFeedForwardImpl::Expert(int e) const { return *experts->ptr(e)->as<LlamaMlpImpl>(); }

void MoeFeedForwardImpl::to(torch::Device device, torch::Dtype dtype, bool non_blocking) {
  FeedForwardImpl::to(device, dtype, non_blocking);
  if (!StacksAliasExperts()) StackExpertWeights();
}

void MoeFeedForwardImpl::to(torch::Dtype dtype, bool non_blocking) {
  FeedForwardImpl::to(dtype, non_blocking);
  if (!StacksAliasExperts()) StackExpertWeights();
}

void MoeFeedForwardImpl::to(torch::Device device, bool non_blocking) {
  FeedForwardImpl::to(device, non_blocking);
  if (!StacksAliasExperts()) StackExpertWeights();
}

bool MoeFeedForwardImpl::StacksAliasExperts() const {
  if (!gate_up_stack_.defined()) return false;
  const auto rows = gate_up_stack_.size(1) / 2;  // F
  const auto matrix_bytes = rows * gate_up_stack_.size(2) * static_cast<int64_t>(gate_up_stack_.element_size());
  const auto* gate_up = static_cast<const char*>(gate_up_stack_.data_ptr());
  const auto* down = static_cast<const char*>(down_stack_.data_ptr());
  for (int e = 0; e < num_experts_; ++e) {
    const auto& mlp = Expert(e);
    for (const auto* weight : {&mlp.gate_proj->weight, &mlp.up_proj->weight, &mlp.down_proj->weight}) {
      if (weight->scalar_type() != gate_up_stack_.scalar_type() || weight->device() != gate_up_stack_.device()) {
        return false;
      }
    }
    if (mlp.gate_proj->weight.data_ptr() != gate_up + 2 * e * matrix_bytes ||
        mlp.up_proj->weight.data_ptr() != gate_up + (2 * e + 1) * matrix_bytes ||
        mlp.down_proj->weight.data_ptr() != down + e * matrix_bytes) {
      return false;
    }
  }
  return true;
}

void MoeFeedForwardImpl::StackExpertWeights() {
  const auto& first = Expert(0).gate_proj->weight;
  // The parameters become views of the stacks, so the stacks are ordinary tensors (usable for loading and training
  // later) even when a restack happens inside Generate's inference mode, unless the parameters were made in
  // inference mode themselves.
  c10::InferenceMode inference_as_parameters(first.is_inference());
  torch::NoGradGuard no_grad;
  const auto rows = first.size(0), columns = first.size(1);  // F, D
  const auto options = torch::TensorOptions().dtype(first.scalar_type()).device(first.device());
  auto gate_up = torch::empty({num_experts_, 2 * rows, columns}, options);
  auto down = torch::empty({num_experts_, columns, rows}, options);
  for (int e = 0; e < num_experts_; ++e) {
    auto& mlp = Expert(e);
    // Copy, then point the parameter at its slot: the expert's old storage is freed here, one matrix at a time.
    const std::pair<torch::Tensor*, torch::Tensor> slots[] = {{&mlp.gate_proj->weight, gate_up[e].narrow(0, 0, rows)},
                                                              {&mlp.up_proj->weight, gate_up[e].narrow(0, rows, rows)},
                                                              {&mlp.down_proj->weight, down[e]}};
    for (const auto& [parameter, slot] : slots) {
      slot.copy_(*parameter);
      parameter->set_data(slot);
    }
  }
  gate_up_stack_ = gate_up;
  down_stack_ = down;
}

bool MoeFeedForwardImpl::StackedDispatchApplies(const torch::Tensor& x) const {
  if (dispatch_ == MoeDispatch::kGrouped || torch::GradMode::is_enabled()) return false;
  if ((is_training() ? capacity_factor_ : eval_capacity_factor_) > 0.0) return false;
  for (int e = 0; e < num_experts_; ++e) {
    const auto& mlp = Expert(e);
    for (const auto* projection : {&mlp.gate_proj, &mlp.up_proj, &mlp.down_proj}) {
      if ((*projection)->has_adapter() && !(*projection)->merged()) return false;
    }
  }
  if (dispatch_ == MoeDispatch::kStacked) return true;
  // On the CPU a host read of the counts costs nothing, and the grouped path reads each expert only once.
  return !x.device().is_cpu() && x.size(0) * top_k_ <= kStackedDispatchMaxPairs;
}

torch::Tensor MoeFeedForwardImpl::Forward(const torch::Tensor& x, RoutingRecord* routing) {
  const auto start = std::chrono::steady_clock::now();
  const auto n = x.size(0);
  // The router runs in fp32 whatever the model's dtype (MoE-LLaVA forces wg to fp32).
  const auto logits = torch::nn::functional::linear(x.to(torch::kFloat), router->weight.to(torch::kFloat));
  const auto probs = torch::softmax(logits, -1);
  torch::Tensor choices;  // [N, k] expert ids, first choice first
  if (is_training() && gumbel_in_training_ && top_k_ > 1) {
    std::vector<torch::Tensor> picked{probs.argmax(-1, /*keepdim=*/true)};
    auto noisy = logits - torch::log(-torch::log(torch::rand_like(logits).clamp_min(1e-20)));
    for (int j = 1; j < top_k_; ++j) {
      noisy = noisy.scatter(1, picked.back(), -std::numeric_limits<float>::infinity());
      picked.push_back(noisy.argmax(-1, /*keepdim=*/true));
    }
    choices = torch::cat(picked, 1);
  } else {
    choices = std::get<1>(probs.topk(top_k_, -1));
  }
  auto weights = probs.gather(1, choices);  // [N, k] fp32
  torch::Tensor keep;                       // [N, k] bool, undefined when dropless
  const double factor = is_training() ? capacity_factor_ : eval_capacity_factor_;
  if (factor > 0.0) {
    const auto capacity = static_cast<int64_t>(std::ceil(double(top_k_) * double(n) / num_experts_ * factor));
    // Choice-major order (all first choices, then all second ones), slot = running count per expert.
    const auto onehot = torch::one_hot(choices.t().reshape({-1}), num_experts_);
    const auto slot = ((onehot.cumsum(0) - 1) * onehot).sum(-1).view({top_k_, n}).t();
    keep = slot < capacity;
    weights = weights * keep.to(torch::kFloat);
  }
  weights = weights / weights.sum(-1, /*keepdim=*/true).clamp_min(std::numeric_limits<float>::epsilon());

  if (routing != nullptr) {
    const auto top1 = torch::one_hot(choices.select(1, 0), num_experts_).to(torch::kFloat);
    routing->aux_loss = num_experts_ * (probs.mean(0) * top1.mean(0)).sum();
    routing->top1_per_expert = top1.sum(0).to(torch::kLong);
  }
  auto out = StackedDispatchApplies(x) ? StackedForward(x, choices, weights, routing)
                                       : GroupedForward(x, choices, weights, keep, routing);
  if (routing != nullptr) {
    routing->forward_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return out;
}

torch::Tensor MoeFeedForwardImpl::GroupedForward(const torch::Tensor& x, const torch::Tensor& choices,
                                                 const torch::Tensor& weights, const torch::Tensor& keep,
                                                 RoutingRecord* routing) {
  const auto long_options = torch::TensorOptions().dtype(torch::kLong).device(x.device());
  // Group by expert: sort the (token, choice) pairs by expert, run each expert once on its rows, scatter back.
  auto flat_expert = choices.reshape({-1});
  auto flat_weight = weights.reshape({-1});
  auto flat_token = torch::arange(x.size(0), long_options).repeat_interleave(top_k_);
  if (keep.defined()) {
    const auto kept = keep.reshape({-1}).nonzero().squeeze(1);
    flat_expert = flat_expert.index_select(0, kept);
    flat_weight = flat_weight.index_select(0, kept);
    flat_token = flat_token.index_select(0, kept);
  }
  const auto counts = torch::bincount(flat_expert, {}, num_experts_);
  if (routing != nullptr) routing->tokens_per_expert = counts;
  const auto order = std::get<1>(flat_expert.sort(/*stable=*/true, 0, /*descending=*/false));
  const auto tokens = flat_token.index_select(0, order);
  const auto gathered = x.index_select(0, tokens);
  const auto counts_cpu = counts.to(torch::kCPU);
  const auto* count = counts_cpu.data_ptr<int64_t>();
  std::vector<torch::Tensor> outputs;
  int64_t offset = 0;
  for (int e = 0; e < num_experts_; ++e) {
    if (count[e] == 0) continue;
    outputs.push_back(Expert(e).Forward(gathered.narrow(0, offset, count[e]), nullptr));
    offset += count[e];
  }
  auto out = torch::zeros_like(x);
  if (outputs.empty()) return out;
  const auto combined = torch::cat(outputs, 0) * flat_weight.index_select(0, order).unsqueeze(1).to(x.dtype());
  return out.index_add_(0, tokens, combined);
}

torch::Tensor MoeFeedForwardImpl::StackedForward(const torch::Tensor& x, const torch::Tensor& choices,
                                                 const torch::Tensor& weights, RoutingRecord* routing) {
  if (!StacksAliasExperts()) StackExpertWeights();
  const auto n = x.size(0), hidden = x.size(1);
  const auto rows = gate_up_stack_.size(1) / 2;
  const auto flat_expert = choices.reshape({-1});  // [P = N * k], token-major
  if (routing != nullptr) {
    // scatter_add rather than bincount: bincount on CUDA reads the largest id on the host to size its output.
    routing->tokens_per_expert =
        torch::zeros({num_experts_}, flat_expert.options()).scatter_add_(0, flat_expert, torch::ones_like(flat_expert));
  }
  // Weights on the left, so the gathered [P, rows, columns] blocks are used as stored (no transposed operand).
  const auto pairs = x.unsqueeze(1).expand({n, top_k_, hidden}).reshape({n * top_k_, hidden, 1});  // [P, D, 1]
  const auto gate_up = torch::bmm(gate_up_stack_.index_select(0, flat_expert), pairs);             // [P, 2F, 1]
  const auto hidden_states = torch::silu(gate_up.narrow(1, 0, rows)) * gate_up.narrow(1, rows, rows);
  const auto out = torch::bmm(down_stack_.index_select(0, flat_expert), hidden_states);  // [P, D, 1]
  return (out.view({n, top_k_, hidden}) * weights.unsqueeze(-1).to(x.dtype())).sum(1);
}

int SetMoeDispatch(torch::nn::Module& root, MoeDispatch dispatch) {
  int count = 0;
  for (const auto& module : root.modules()) {
    if (auto* moe = dynamic_cast<MoeFeedForwardImpl*>(module.get())) {
      moe->set_dispatch(dispatch);
      ++count;
    }
  }
  return count;
}

Result<std::map<std::string, torch::Tensor>> ExpandToMoe(const std::map<std::string, torch::Tensor>& dense,
                                                         const ModelConfig& moe_config, uint64_t seed) {
  const auto& moe = moe_config.moe;
  if (!moe.enabled()) return InvalidArgument("the target config has no experts (moe.num_experts <= 1)");
  auto out = dense;
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  const auto hidden = moe_config.text.hidden_size;
  const double bound = 1.0 / std::sqrt(static_cast<double>(hidden));
  for (const int layer : moe.MoeLayers(moe_config.text.num_layers)) {
    for (const char* proj : {"gate_proj", "up_proj", "down_proj"}) {
      const auto name = keys::TextLayer(layer, std::string("mlp.") + proj + ".weight");
      const auto found = out.find(name);
      if (found == out.end()) return NotFound("no dense FFN tensor " + name + " to expand");
      const auto weight = found->second;
      out.erase(found);
      for (int e = 0; e < moe.num_experts; ++e) {
        out[keys::Expert(layer, e, std::string(proj) + ".weight")] = weight.clone();
      }
    }
    const auto router = torch::empty({moe.num_experts, hidden}, torch::kFloat).uniform_(-bound, bound, generator);
    out[keys::TextLayer(layer, "mlp.router.weight")] = router;
  }
  return out;
}

Status ConvertCheckpointToMoe(const std::string& dense_dir, const MoeConfig& moe, const std::string& out_dir,
                              uint64_t seed) {
  auto checkpoint = LoadCheckpoint(dense_dir);
  if (!checkpoint.ok()) return checkpoint.status();
  ModelConfig config = checkpoint->config;
  config.moe = moe;
  const std::map<std::string, torch::Tensor> dense(checkpoint->tensors.begin(), checkpoint->tensors.end());
  auto expanded = ExpandToMoe(dense, config, seed);
  if (!expanded.ok()) return expanded.status();
  NamedTensors tensors(expanded->begin(), expanded->end());
  return SaveCheckpoint(out_dir, config, tensors, checkpoint->tokenizer_path);
}

void RoutingStatistics::AddTo(Table* table, const RoutingRecord& record) {
  auto& layer = (*table)[record.layer];
  const auto counts = record.tokens_per_expert.to(torch::kCPU);
  if (layer.counts.size() < static_cast<size_t>(counts.numel())) layer.counts.resize(counts.numel(), 0);
  for (int64_t e = 0; e < counts.numel(); ++e) layer.counts[e] += counts[e].item<int64_t>();
  layer.aux_loss_sum += record.aux_loss.item<double>();
  ++layer.forwards;
}

void RoutingStatistics::Add(const std::vector<RoutingRecord>& records, const std::string& task) {
  for (const auto& record : records) {
    AddTo(&overall_, record);
    if (!task.empty()) AddTo(&by_task_[task], record);
  }
}

const RoutingStatistics::Table* RoutingStatistics::Find(const std::string& task) const {
  if (task.empty()) return &overall_;
  const auto found = by_task_.find(task);
  return found == by_task_.end() ? nullptr : &found->second;
}

nlohmann::json RoutingStatistics::TableJson(const Table& table) {
  nlohmann::json layers = nlohmann::json::array(), shares = nlohmann::json::array(), tokens = nlohmann::json::array();
  double aux = 0.0;
  for (const auto& [index, layer] : table) {
    int64_t total = 0;
    for (const auto c : layer.counts) total += c;
    nlohmann::json row = nlohmann::json::array();
    for (const auto c : layer.counts) row.push_back(total > 0 ? double(c) / double(total) : 0.0);
    layers.push_back(index);
    shares.push_back(row);
    tokens.push_back(total);
    aux += layer.forwards > 0 ? layer.aux_loss_sum / double(layer.forwards) : 0.0;
  }
  return {{"layers", layers}, {"share", shares}, {"routed", tokens}, {"aux_loss", aux}};
}

nlohmann::json RoutingStatistics::ToJson() const {
  nlohmann::json tasks = nlohmann::json::object();
  for (const auto& [task, table] : by_task_) tasks[task] = TableJson(table);
  return {{"overall", TableJson(overall_)}, {"tasks", tasks}};
}

std::string RoutingStatistics::ToTable(const std::string& task) const {
  const Table* table = Find(task);
  if (table == nullptr || table->empty()) return "(no routing recorded)\n";
  const auto json = TableJson(*table);
  std::ostringstream out;
  out << "layer";
  const auto experts = json["share"][0].size();
  for (size_t e = 0; e < experts; ++e) out << std::setw(8) << ("e" + std::to_string(e));
  out << "\n" << std::fixed << std::setprecision(1);
  for (size_t i = 0; i < json["layers"].size(); ++i) {
    out << std::setw(5) << json["layers"][i].get<int>();
    for (const auto& share : json["share"][i]) out << std::setw(7) << 100.0 * share.get<double>() << "%";
    out << "\n";
  }
  out << std::setprecision(4) << "aux loss (sum over layers, mean over forwards): " << json["aux_loss"].get<double>()
      << "\n";
  return out.str();
}

std::string RoutingStatistics::ToSvg(const std::string& task) const {
  const Table* table = Find(task);
  const auto json = TableJson(table != nullptr ? *table : Table());
  const int cell = 28, left = 60, top = 40;
  const auto rows = json["layers"].size();
  const auto cols = rows > 0 ? json["share"][0].size() : 0;
  std::ostringstream svg;
  svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << left + cell * cols + 20 << "\" height=\""
      << top + cell * rows + 20 << "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  svg << "<text x=\"" << left << "\" y=\"16\">expert share per layer" << (task.empty() ? "" : " (" + task + ")")
      << "</text>\n";
  for (size_t c = 0; c < cols; ++c) {
    svg << "<text x=\"" << left + cell * c + 8 << "\" y=\"" << top - 6 << "\">e" << c << "</text>\n";
  }
  for (size_t r = 0; r < rows; ++r) {
    svg << "<text x=\"8\" y=\"" << top + cell * r + 18 << "\">layer " << json["layers"][r].get<int>() << "</text>\n";
    for (size_t c = 0; c < cols; ++c) {
      const double share = json["share"][r][c].get<double>();
      // Shares above 2/E (twice uniform) saturate, so imbalance stands out.
      const double level = std::min(1.0, share * cols / 2.0);
      const int shade = static_cast<int>(255 - 200 * level);
      svg << "<rect x=\"" << left + cell * c << "\" y=\"" << top + cell * r << "\" width=\"" << cell - 2
          << "\" height=\"" << cell - 2 << "\" fill=\"rgb(" << shade << "," << shade << ",255)\"><title>" << std::fixed
          << std::setprecision(1) << 100.0 * share << "%</title></rect>\n";
    }
  }
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace mgrs::model
