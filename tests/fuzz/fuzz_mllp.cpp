// libFuzzer target for the MLLP session: any bytes, fed in chunk sizes and with limits taken from the
// input, must give exactly the reference model's events (mllp_reference.hpp), hold no more than one
// frame's limit, and every message's content must be the input's bytes at its offset.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "mllp_reference.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  hl7v2::mllp::session_options o;
  o.max_message_bytes = 1 + (data[0] | (data[1] << 8));
  o.header_bytes = data[2];
  const std::vector<std::size_t> sizes{std::size_t{1} + (data[3] & 0x0Fu),
                                       std::size_t{1} + (data[3] >> 4) * 17u, 1};
  const std::string_view in(reinterpret_cast<const char*>(data) + 4, size - 4);
  const auto want = hl7v2_test::reference_events(in, o);
  std::size_t peak = 0;
  const auto got = hl7v2_test::session_events(in, o, sizes, &peak);
  require(got == want);
  require(hl7v2_test::session_events(in, o, {in.size() + 1}) == want);
  require(peak <= (o.max_message_bytes > o.header_bytes ? o.max_message_bytes : o.header_bytes));
  for (const auto& e : got) {
    if (e.kind != hl7v2::mllp::event_kind::message) continue;
    require(e.size == e.content.size() && e.size <= o.max_message_bytes);
    require(in.substr(e.offset + 1, e.size) == e.content);
    require(e.content.find('\x0b') == std::string_view::npos &&
            e.content.find('\x1c') == std::string_view::npos);
  }
  return 0;
}
