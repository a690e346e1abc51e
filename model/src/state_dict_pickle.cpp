// A bounded unpickler for torch.save state dicts' data.pkl, without LibTorch (state_dict_pickle.h).
#include "mgrs/model/state_dict_pickle.h"

#include <cstring>
#include <memory>

namespace mgrs::model {
namespace {

constexpr size_t kMaxStack = size_t{1} << 22;  // far above any real state dict (7B LLaMA: ~300 tensors)
constexpr size_t kMaxMemo = size_t{1} << 22;
constexpr size_t kMaxRank = 8;

struct Value;
using ValuePtr = std::shared_ptr<Value>;

struct Value {
  enum class Kind { kNone, kBool, kInt, kFloat, kString, kTuple, kList, kDict, kGlobal, kStorage, kTensor };
  Kind kind = Kind::kNone;
  int64_t integer = 0;
  std::string text;             // string value, or "module.name" of a global
  std::vector<ValuePtr> items;  // tuple / list; a dict as key, value, key, value, ...
  PickledTensor tensor;         // kStorage: dtype, storage_key, storage_numel; kTensor: everything
};

ValuePtr Make(Value::Kind kind) {
  auto v = std::make_shared<Value>();
  v->kind = kind;
  return v;
}

// torch.save's typed storages and the safetensors names of their dtypes.
struct StorageType {
  const char* name;
  const char* dtype;
};
constexpr StorageType kStorageTypes[] = {
    {"torch.DoubleStorage", "F64"},    {"torch.FloatStorage", "F32"}, {"torch.HalfStorage", "F16"},
    {"torch.BFloat16Storage", "BF16"}, {"torch.LongStorage", "I64"},  {"torch.IntStorage", "I32"},
    {"torch.ShortStorage", "I16"},     {"torch.CharStorage", "I8"},   {"torch.ByteStorage", "U8"},
    {"torch.BoolStorage", "BOOL"},
};

bool IsAllowedGlobal(const std::string& name) {
  if (name == "collections.OrderedDict" || name == "torch._utils._rebuild_tensor_v2" ||
      name == "torch._utils._rebuild_parameter") {
    return true;
  }
  for (const auto& type : kStorageTypes) {
    if (name == type.name) return true;
  }
  return false;
}

class Unpickler {
 public:
  explicit Unpickler(const std::string& data) : data_(data) {}

  Result<ValuePtr> Run() {
    while (true) {
      if (!status_.ok()) return status_;
      uint8_t op = 0;
      if (!ReadBytes(&op, 1)) return status_;
      if (op == '.') break;
      Step(op);
    }
    if (stack_.size() != 1 || !marks_.empty()) Fail("the pickle does not end with exactly one value");
    if (!status_.ok()) return status_;
    return stack_.back();
  }

 private:
  void Fail(const std::string& message) {
    if (status_.ok()) status_ = ParseError("pickle: " + message + " (at byte " + std::to_string(position_) + ")");
  }

  bool ReadBytes(void* out, size_t n) {
    if (n > data_.size() - position_) {
      Fail("truncated");
      return false;
    }
    std::memcpy(out, data_.data() + position_, n);
    position_ += n;
    return true;
  }

  template <typename T>
  T ReadLittle() {
    T value{};
    ReadBytes(&value, sizeof value);
    return value;
  }

  std::string ReadString(uint64_t n) {
    if (n > data_.size() - position_) {
      Fail("truncated string");
      return {};
    }
    std::string s = data_.substr(position_, n);
    position_ += n;
    return s;
  }

  std::string ReadLine() {
    const size_t end = data_.find('\n', position_);
    if (end == std::string::npos) {
      Fail("truncated GLOBAL");
      return {};
    }
    std::string s = data_.substr(position_, end - position_);
    position_ = end + 1;
    return s;
  }

  void Push(ValuePtr v) {
    if (stack_.size() >= kMaxStack) {
      Fail("stack too deep");
      return;
    }
    stack_.push_back(std::move(v));
  }

  ValuePtr Pop() {
    if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back())) {
      Fail("stack underflow");
      return Make(Value::Kind::kNone);
    }
    ValuePtr v = std::move(stack_.back());
    stack_.pop_back();
    return v;
  }

  ValuePtr& Top() {
    static ValuePtr none = Make(Value::Kind::kNone);
    if (stack_.empty()) {
      Fail("stack underflow");
      return none;
    }
    return stack_.back();
  }

  // Pops everything above the last MARK.
  std::vector<ValuePtr> PopToMark() {
    if (marks_.empty()) {
      Fail("no MARK");
      return {};
    }
    const size_t mark = marks_.back();
    marks_.pop_back();
    std::vector<ValuePtr> items(stack_.begin() + static_cast<std::ptrdiff_t>(mark), stack_.end());
    stack_.resize(mark);
    return items;
  }

  void Memoize(uint64_t index) {
    if (index >= kMaxMemo) {
      Fail("memo index too large");
      return;
    }
    if (memo_.size() <= index) memo_.resize(index + 1);
    memo_[index] = Top();
  }

  void Recall(uint64_t index) {
    if (index >= memo_.size() || memo_[index] == nullptr) {
      Fail("memo index " + std::to_string(index) + " was never stored");
      return;
    }
    Push(memo_[index]);
  }

  void PushTuple(std::vector<ValuePtr> items) {
    auto t = Make(Value::Kind::kTuple);
    t->items = std::move(items);
    Push(std::move(t));
  }

  void PushInt(int64_t v) {
    auto i = Make(Value::Kind::kInt);
    i->integer = v;
    Push(std::move(i));
  }

  void PushGlobal(const std::string& module, const std::string& name) {
    const std::string full = module + "." + name;
    if (!IsAllowedGlobal(full)) {
      Fail("refusing global " + full + " (only tensors in an OrderedDict are accepted)");
      return;
    }
    auto g = Make(Value::Kind::kGlobal);
    g->text = full;
    Push(std::move(g));
  }

  void SetItems(const std::vector<ValuePtr>& pairs) {
    ValuePtr& dict = Top();
    if (dict->kind != Value::Kind::kDict) {
      Fail("SETITEM(S) on a non-dict");
      return;
    }
    if (pairs.size() % 2 != 0) {
      Fail("SETITEMS with an odd item count");
      return;
    }
    dict->items.insert(dict->items.end(), pairs.begin(), pairs.end());
  }

  void Append(const std::vector<ValuePtr>& values) {
    ValuePtr& list = Top();
    if (list->kind != Value::Kind::kList) {
      Fail("APPEND(S) on a non-list");
      return;
    }
    list->items.insert(list->items.end(), values.begin(), values.end());
  }

  static bool IntTuple(const ValuePtr& v, std::vector<int64_t>* out) {
    if (v->kind != Value::Kind::kTuple || v->items.size() > kMaxRank) return false;
    for (const auto& item : v->items) {
      if (item->kind != Value::Kind::kInt || item->integer < 0) return false;
      out->push_back(item->integer);
    }
    return true;
  }

  // storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]
  void RebuildTensor(const std::vector<ValuePtr>& args) {
    if (args.size() < 4 || args[0]->kind != Value::Kind::kStorage || args[1]->kind != Value::Kind::kInt) {
      Fail("_rebuild_tensor_v2 with unexpected arguments");
      return;
    }
    auto t = Make(Value::Kind::kTensor);
    t->tensor = args[0]->tensor;
    t->tensor.storage_offset = args[1]->integer;
    if (!IntTuple(args[2], &t->tensor.shape) || !IntTuple(args[3], &t->tensor.stride) ||
        t->tensor.shape.size() != t->tensor.stride.size() || t->tensor.storage_offset < 0) {
      Fail("tensor with a bad size, stride or offset");
      return;
    }
    // The last element the view touches must lie inside the storage.
    bool empty = false;
    uint64_t last = static_cast<uint64_t>(t->tensor.storage_offset);
    for (size_t d = 0; d < t->tensor.shape.size(); ++d) {
      if (t->tensor.shape[d] == 0) empty = true;
      uint64_t reach = 0;
      if (t->tensor.shape[d] > 0 && (__builtin_mul_overflow(static_cast<uint64_t>(t->tensor.shape[d] - 1),
                                                            static_cast<uint64_t>(t->tensor.stride[d]), &reach) ||
                                     __builtin_add_overflow(last, reach, &last))) {
        Fail("tensor extent overflows");
        return;
      }
    }
    if (!empty && last >= static_cast<uint64_t>(t->tensor.storage_numel)) {
      Fail("tensor reaches element " + std::to_string(last) + " of a storage of " +
           std::to_string(t->tensor.storage_numel));
      return;
    }
    Push(std::move(t));
  }

  void Reduce() {
    ValuePtr args = Pop();
    ValuePtr callable = Pop();
    if (!status_.ok()) return;
    if (callable->kind != Value::Kind::kGlobal || args->kind != Value::Kind::kTuple) {
      Fail("REDUCE of a non-global");
      return;
    }
    if (callable->text == "collections.OrderedDict") {
      if (!args->items.empty()) {
        Fail("OrderedDict with constructor arguments");
        return;
      }
      Push(Make(Value::Kind::kDict));
    } else if (callable->text == "torch._utils._rebuild_tensor_v2") {
      RebuildTensor(args->items);
    } else if (callable->text == "torch._utils._rebuild_parameter") {
      if (args->items.empty() || args->items[0]->kind != Value::Kind::kTensor) {
        Fail("_rebuild_parameter without a tensor");
        return;
      }
      Push(args->items[0]);
    } else {
      Fail("cannot call " + callable->text);
    }
  }

  // ('storage', torch.XStorage, key, location, numel)
  void PersistentLoad() {
    ValuePtr pid = Pop();
    if (!status_.ok()) return;
    const auto& items = pid->items;
    if (pid->kind != Value::Kind::kTuple || items.size() != 5 || items[0]->kind != Value::Kind::kString ||
        items[0]->text != "storage" || items[1]->kind != Value::Kind::kGlobal ||
        items[2]->kind != Value::Kind::kString || items[4]->kind != Value::Kind::kInt || items[4]->integer < 0) {
      Fail("unexpected persistent id (not a typed storage)");
      return;
    }
    auto storage = Make(Value::Kind::kStorage);
    bool known = false;
    for (const auto& type : kStorageTypes) {
      if (items[1]->text == type.name) {
        storage->tensor.dtype = type.dtype;
        known = true;
      }
    }
    if (!known) {
      Fail("persistent id names " + items[1]->text + ", not a storage type");
      return;
    }
    storage->tensor.storage_key = items[2]->text;
    storage->tensor.storage_numel = items[4]->integer;
    Push(std::move(storage));
  }

  void Step(uint8_t op) {
    switch (op) {
      case 0x80:  // PROTO
        ReadLittle<uint8_t>();
        break;
      case 0x95:  // FRAME
        ReadLittle<uint64_t>();
        break;
      case 'c': {  // GLOBAL
        std::string module = ReadLine();
        std::string name = ReadLine();
        if (status_.ok()) PushGlobal(module, name);
        break;
      }
      case 0x93: {  // STACK_GLOBAL
        ValuePtr name = Pop();
        ValuePtr module = Pop();
        if (status_.ok() && (name->kind != Value::Kind::kString || module->kind != Value::Kind::kString)) {
          Fail("STACK_GLOBAL of non-strings");
        }
        if (status_.ok()) PushGlobal(module->text, name->text);
        break;
      }
      case 'q': Memoize(ReadLittle<uint8_t>()); break;
      case 'r': Memoize(ReadLittle<uint32_t>()); break;
      case 0x94: Memoize(memo_.size()); break;
      case 'h': Recall(ReadLittle<uint8_t>()); break;
      case 'j': Recall(ReadLittle<uint32_t>()); break;
      case '(': marks_.push_back(stack_.size()); break;
      case ')': PushTuple({}); break;
      case 't': PushTuple(PopToMark()); break;
      case 0x85:
      case 0x86:
      case 0x87: {  // TUPLE1..3
        const size_t n = op - 0x84u;
        std::vector<ValuePtr> items(n);
        for (size_t i = n; i-- > 0;) items[i] = Pop();
        PushTuple(std::move(items));
        break;
      }
      case 'X':
      case 0x8c:
      case 0x8d: {  // BINUNICODE, SHORT_BINUNICODE, BINUNICODE8
        const uint64_t n = op == 'X'    ? ReadLittle<uint32_t>()
                           : op == 0x8c ? ReadLittle<uint8_t>()
                                        : ReadLittle<uint64_t>();
        auto s = Make(Value::Kind::kString);
        s->text = ReadString(n);
        Push(std::move(s));
        break;
      }
      case 'K': PushInt(ReadLittle<uint8_t>()); break;
      case 'M': PushInt(ReadLittle<uint16_t>()); break;
      case 'J': PushInt(ReadLittle<int32_t>()); break;
      case 0x8a: {  // LONG1: n little-endian two's-complement bytes
        const uint8_t n = ReadLittle<uint8_t>();
        if (n > 8) {
          Fail("integer wider than 64 bits");
          break;
        }
        uint64_t bits = 0;
        uint8_t bytes[8] = {};
        if (!ReadBytes(bytes, n)) break;
        for (int i = n - 1; i >= 0; --i) bits = (bits << 8) | bytes[i];
        if (n > 0 && n < 8 && (bytes[n - 1] & 0x80)) bits |= ~uint64_t{0} << (8 * n);
        PushInt(static_cast<int64_t>(bits));
        break;
      }
      case 'G': {  // BINFLOAT (big-endian); kept only so metadata parses
        uint8_t bytes[8];
        ReadBytes(bytes, 8);
        Push(Make(Value::Kind::kFloat));
        break;
      }
      case 0x88:
      case 0x89: {
        auto b = Make(Value::Kind::kBool);
        b->integer = op == 0x88;
        Push(std::move(b));
        break;
      }
      case 'N': Push(Make(Value::Kind::kNone)); break;
      case 'Q': PersistentLoad(); break;
      case 'R': Reduce(); break;
      case '}': Push(Make(Value::Kind::kDict)); break;
      case 's': {
        ValuePtr value = Pop();
        ValuePtr key = Pop();
        if (status_.ok()) SetItems({key, value});
        break;
      }
      case 'u': SetItems(PopToMark()); break;
      case ']': Push(Make(Value::Kind::kList)); break;
      case 'a': Append({Pop()}); break;
      case 'e': Append(PopToMark()); break;
      case 'b': {  // BUILD: a state dict's OrderedDict carries `_metadata` (version numbers); it is not needed
        ValuePtr state = Pop();
        if (status_.ok() && Top()->kind != Value::Kind::kDict) Fail("BUILD on something other than a dict");
        break;
      }
      default:
        Fail("unsupported opcode 0x" + std::string(1, "0123456789abcdef"[op >> 4]) +
             std::string(1, "0123456789abcdef"[op & 15]));
    }
  }

  const std::string& data_;
  size_t position_ = 0;
  std::vector<ValuePtr> stack_;
  std::vector<size_t> marks_;
  std::vector<ValuePtr> memo_;
  Status status_;
};

}  // namespace

Result<std::vector<PickledTensor>> ParseStateDictPickle(const std::string& pickle) {
  Unpickler unpickler(pickle);
  auto root = unpickler.Run();
  if (!root.ok()) return root.status();
  const Value& dict = **root;
  if (dict.kind != Value::Kind::kDict) return ParseError("pickle: the top-level object is not a dict");
  std::vector<PickledTensor> tensors;
  for (size_t i = 0; i + 1 < dict.items.size(); i += 2) {
    const Value& key = *dict.items[i];
    const Value& value = *dict.items[i + 1];
    if (key.kind != Value::Kind::kString) return ParseError("pickle: a state-dict key is not a string");
    if (value.kind != Value::Kind::kTensor) {
      return ParseError("pickle: \"" + key.text + "\" is not a tensor (only dicts of tensors are accepted)");
    }
    tensors.push_back(value.tensor);
    tensors.back().name = key.text;
  }
  return tensors;
}

}  // namespace mgrs::model
