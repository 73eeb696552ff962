// MLLP load generator for the live-feed bench: C connections to 127.0.0.1:PORT, each sending M
// messages and waiting for each ACK (or keeping W in flight with --window), checking MSA-2. Prints one
// JSON line: messages, seconds, messages/s, ACK latency p50/p99/max in ms, errors.
//   mllp_load --port P [--connections C] [--messages M] [--window W] [--size BYTES]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "hl7v2/mllp.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

// Built with snprintf and append: GCC 12's -Wrestrict misfires on chains of std::string operator+.
std::string message(int conn, int i, std::size_t size) {
  char head[256];
  std::snprintf(head, sizeof head,
                "MSH|^~\\&|LOAD|FAC|LAKE|FAC|20250101120000||ORU^R01^ORU_R01|C%d-%d|P|2.5.1\r"
                "PID|1||MRN%d^^^FAC^MR||DOE^JOHN||19800101|M\rOBR|1|P1|F1|57021-8^CBC^LN\r",
                conn, i, i);
  std::string m(head);
  char obx[128];
  for (int k = 1; m.size() + 60 < size; ++k) {
    std::snprintf(obx, sizeof obx, "OBX|%d|NM|718-7^Hemoglobin^LN||13.5|g/dL|12-16|N|||F\r", k);
    m.append(obx);
  }
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, conns = 1, per = 1000, window = 1;
  std::size_t size = 1500;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const int v = std::atoi(argv[i + 1]);
    if (a == "--port")
      port = v;
    else if (a == "--connections")
      conns = v;
    else if (a == "--messages")
      per = v;
    else if (a == "--window")
      window = std::max(1, v);
    else if (a == "--size")
      size = static_cast<std::size_t>(v);
  }
  if (port == 0) {
    std::fprintf(stderr,
                 "usage: mllp_load --port P [--connections C] [--messages M] [--window W] [--size B]\n");
    return 2;
  }
  std::vector<std::vector<double>> lat(static_cast<std::size_t>(conns));
  std::atomic<long> errors{0};
  const auto start = clock_type::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < conns; ++c) {
    threads.emplace_back([&, c] {
      const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(static_cast<uint16_t>(port));
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        errors += per;
        return;
      }
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      std::vector<std::string> frames;
      for (int i = 0; i < per; ++i) {
        std::string f;
        hl7v2::mllp::write_frame(message(c, i, size), f);
        frames.push_back(std::move(f));
      }
      hl7v2::mllp::session s({1u << 20, 0});
      std::deque<clock_type::time_point> sent_at;
      auto& my = lat[static_cast<std::size_t>(c)];
      my.reserve(static_cast<std::size_t>(per));
      int next = 0, acked = 0;
      char buf[65536];
      while (acked < per) {
        std::string out;
        while (next < per && next - acked < window) {
          out += frames[static_cast<std::size_t>(next++)];
          sent_at.push_back(clock_type::now());
        }
        if (!out.empty() &&
            ::send(fd, out.data(), out.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(out.size())) {
          errors += per - acked;
          break;
        }
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) {
          errors += per - acked;
          break;
        }
        s.feed(std::string_view(buf, static_cast<std::size_t>(n)), [&](const hl7v2::mllp::event& e) {
          if (e.kind != hl7v2::mllp::event_kind::message) return;
          char want[32];
          std::snprintf(want, sizeof want, "C%d-%d", c, acked);
          if (hl7v2::mllp::field_of(e.content, "MSA", 2) != std::string_view(want)) ++errors;
          my.push_back(
              std::chrono::duration<double, std::milli>(clock_type::now() - sent_at.front()).count());
          sent_at.pop_front();
          ++acked;
        });
      }
      ::close(fd);
    });
  }
  for (auto& t : threads) t.join();
  const double secs = std::chrono::duration<double>(clock_type::now() - start).count();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  const auto pct = [&](double p) {
    return all.empty()
               ? 0.0
               : all[std::min(all.size() - 1, static_cast<std::size_t>(p * static_cast<double>(all.size())))];
  };
  std::printf(
      "{\"connections\":%d,\"window\":%d,\"messages\":%zu,\"seconds\":%.3f,\"per_second\":%.0f,"
      "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,\"errors\":%ld}\n",
      conns, window, all.size(), secs, static_cast<double>(all.size()) / secs, pct(0.50), pct(0.99),
      all.empty() ? 0.0 : all.back(), errors.load());
  return errors == 0 ? 0 : 1;
}
