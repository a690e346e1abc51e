// mgrs::model_formats without LibTorch (so it runs in every build, the sanitizer build included): what the
// parsers of untrusted model inputs accept and return, and the inputs the fuzz harnesses found (tests/fuzz).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mgrs/model/chat_request.h"
#include "mgrs/model/safetensors_header.h"
#include "mgrs/model/state_dict_pickle.h"

namespace mgrs::model {
namespace {

using namespace std::string_literals;

std::string SafetensorsFile(const std::string& header_json, size_t data_bytes) {
  std::string file(8, '\0');
  const uint64_t length = header_json.size();
  for (int i = 0; i < 8; ++i) file[i] = static_cast<char>(length >> (8 * i) & 0xFF);
  return file + header_json + std::string(data_bytes, '\0');
}

TEST(SafetensorsHeaderTest, ParsesEntriesInDataOrderWithDTypeNames) {
  const std::string file = SafetensorsFile(
      R"({"b":{"dtype":"BF16","shape":[2],"data_offsets":[24,28]},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"__metadata__":{"format":"pt"}})",
      28);
  const auto header = ParseSafetensorsHeader(file, file.size());
  ASSERT_TRUE(header.ok()) << header.status().ToString();
  ASSERT_EQ(header->entries.size(), 2u);
  EXPECT_EQ(header->entries[0].name, "a");
  EXPECT_EQ(header->entries[0].dtype_name, "F32");
  EXPECT_EQ(header->entries[0].numel(), 6);
  EXPECT_EQ(header->entries[1].dtype_name, "BF16");
  EXPECT_EQ(header->metadata.at("format"), "pt");
  EXPECT_EQ(header->data_offset, file.size() - 28);
}

TEST(SafetensorsHeaderTest, DTypeSizesAreThoseOfTheFormatAndOthersAreUnknown) {
  EXPECT_EQ(SafetensorsDTypeSize("F64"), 8u);
  EXPECT_EQ(SafetensorsDTypeSize("BF16"), 2u);
  EXPECT_EQ(SafetensorsDTypeSize("BOOL"), 1u);
  EXPECT_EQ(SafetensorsDTypeSize("F8_E4M3"), 0u);
  EXPECT_EQ(SafetensorsDTypeSize("f32"), 0u);
}

// A state dict {"w": a 2x3 float tensor with stride (3, 1) over storage "0" of 6 elements}, as torch.save pickles
// it (protocol 2; the backward hooks an empty OrderedDict).
std::string StateDictPickle() {
  auto unicode = [](const std::string& s) {
    std::string op = "X";
    for (int i = 0; i < 4; ++i) op += static_cast<char>(s.size() >> (8 * i) & 0xFF);
    return op + s;
  };
  const std::string ordered_dict = "ccollections\nOrderedDict\n)R";
  return std::string("\x80\x02") + ordered_dict + unicode("w") + "ctorch._utils\n_rebuild_tensor_v2\n(" + "(" +
         unicode("storage") + "ctorch\nFloatStorage\n" + unicode("0") + unicode("cpu") + "K\x06t" + "Q" + "K\x00"s +
         "K\x02K\x03\x86" + "K\x03K\x01\x86" + "\x89" + ordered_dict + "tRs.";
}

TEST(StateDictPickleTest, ReadsATensorWithItsSafetensorsDTypeName) {
  const auto tensors = ParseStateDictPickle(StateDictPickle());
  ASSERT_TRUE(tensors.ok()) << tensors.status().ToString();
  ASSERT_EQ(tensors->size(), 1u);
  const PickledTensor& w = tensors->front();
  EXPECT_EQ(w.name, "w");
  EXPECT_EQ(w.dtype, "F32");
  EXPECT_EQ(w.shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(w.stride, (std::vector<int64_t>{3, 1}));
  EXPECT_EQ(w.storage_key, "0");
  EXPECT_EQ(w.storage_numel, 6);
}

TEST(StateDictPickleTest, EveryTruncationIsRefused) {
  const std::string pickle = StateDictPickle();
  for (size_t size = 0; size < pickle.size(); ++size) {
    EXPECT_FALSE(ParseStateDictPickle(pickle.substr(0, size)).ok()) << size;
  }
}

ChatLimits Limits() { return {1000, 16, 2, "skymoe-tiny"}; }

TEST(ChatRequestTest, ReadsTheConversationAndTheSamplingFields) {
  ChatRequest request;
  const auto error = ParseChatRequest(R"({"model": "skymoe-tiny", "max_tokens": 99, "temperature": 0.5,
      "top_p": null, "seed": 7, "messages": [{"role": "system", "content": "Be brief."},
      {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"},
      {"role": "user", "content": [{"type": "text", "text": "Count."}, {"type": "image_url",
       "image_url": {"url": "a.png"}}]}]})",
                                      Limits(), &request);
  ASSERT_FALSE(error) << error->message;
  EXPECT_EQ(request.system, "Be brief.");
  ASSERT_EQ(request.history.size(), 1u);
  EXPECT_EQ(request.question, "<image>\nCount.");
  EXPECT_EQ(request.image_urls, std::vector<std::string>{"a.png"});
  EXPECT_EQ(request.max_new_tokens, 16);  // capped
  EXPECT_EQ(request.temperature, 0.5);
  EXPECT_EQ(request.top_p, 1.0);  // null = not set
  EXPECT_EQ(request.seed, 7u);
}

TEST(ChatRequestTest, LimitsGiveTheirStatuses) {
  ChatRequest request;
  const std::string images = R"({"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": "a"},
      {"type": "image_url", "image_url": "b"}, {"type": "image_url", "image_url": "c"}]}]})";
  EXPECT_EQ(ParseChatRequest(images, Limits(), &request)->code, "too_many_images");
  EXPECT_EQ(ParseChatRequest(std::string(1001, ' '), Limits(), &request)->status, 413);
  EXPECT_EQ(ParseChatRequest(R"({"model": "x", "messages": []})", Limits(), &request)->status, 404);
}

TEST(ChatRequestTest, DataUrlsAndImageHeaders) {
  std::string bytes;
  ASSERT_FALSE(DecodeImageDataUrl("data:image/png;base64,iVBORw0KGgo=", &bytes));
  EXPECT_EQ(bytes, "\x89PNG\r\n\x1a\n");
  EXPECT_EQ(DecodeImageDataUrl("data:image/png,abc", &bytes)->code, "invalid_image_url");
  EXPECT_EQ(DecodeImageDataUrl("data:text/plain;base64,YQ==", &bytes)->code, "invalid_image_url");
  EXPECT_EQ(DecodeImageDataUrl("data:image/png;base64,a=bc", &bytes)->code, "invalid_image_url");

  int64_t width = 0, height = 0;
  const std::string png = std::string("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\x05\0\0\x01\x02", 24);
  ASSERT_TRUE(EncodedImageSize(png, &width, &height));
  EXPECT_EQ(width, 5);
  EXPECT_EQ(height, 258);
  EXPECT_FALSE(EncodedImageSize(png.substr(0, 23), &width, &height));
  EXPECT_FALSE(EncodedImageSize(std::string("\xff\xd8\xff\xd9", 4), &width, &height));  // ends before a frame
}

}  // namespace
}  // namespace mgrs::model
