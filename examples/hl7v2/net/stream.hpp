// TCP connections for `lake listen` and `send`: blocking sockets with timeouts (SO_RCVTIMEO,
// SO_SNDTIMEO), plain or TLS through OpenSSL (TLS 1.2 at least; with a client CA, mutual TLS). One
// connection per thread, so a slow or stuck peer blocks only its own thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

using SSL_CTX = struct ssl_ctx_st;
using SSL = struct ssl_st;

namespace hl7v2::cli::net {

// A TLS configuration; empty (no context) means plain TCP.
class tls_context {
 public:
  tls_context() = default;
  tls_context(const tls_context&) = delete;
  tls_context& operator=(const tls_context&) = delete;
  ~tls_context();
  // Server: certificate chain and key (PEM); with client_ca, clients must present a certificate it signed.
  std::string make_server(const std::string& cert, const std::string& key, const std::string& client_ca);
  // Client: the CA that signed the server's certificate (empty: the system's); a certificate and key of
  // our own for mutual TLS (optional). Returns an empty string or what is wrong.
  std::string make_client(const std::string& ca, const std::string& cert, const std::string& key);
  bool enabled() const { return ctx_ != nullptr; }
  SSL_CTX* get() const { return ctx_; }

 private:
  SSL_CTX* ctx_ = nullptr;
};

// The last OpenSSL error queue as text (certificate/handshake problems; never message content).
std::string tls_error_text();

enum class io_status { ok, closed, timeout, error };

class stream {
 public:
  stream() = default;
  explicit stream(int fd) : fd_(fd) {}
  stream(const stream&) = delete;
  stream& operator=(const stream&) = delete;
  stream(stream&& o) noexcept;
  stream& operator=(stream&& o) noexcept;
  ~stream();

  int fd() const { return fd_; }
  bool is_open() const { return fd_ >= 0; }
  // Timeouts for every later read and write (milliseconds; 0 = none).
  void set_timeouts(int read_ms, int write_ms);
  // TLS handshake as server or client (host for SNI and name checking, may be empty). false: the
  // reason is in `why` (OpenSSL's text, no message content).
  bool tls_accept(const tls_context& ctx, std::string& why);
  bool tls_connect(const tls_context& ctx, const std::string& host, std::string& why);
  // Reads what is available (at least one byte), blocking up to the read timeout.
  io_status read_some(char* buf, std::size_t cap, std::size_t& got);
  io_status write_all(std::string_view bytes);
  void shutdown_read();  // wakes a thread blocked in read_some (it sees closed)
  void shutdown_all();   // also fails a write blocked on a peer that does not read
  void close();

 private:
  int fd_ = -1;
  SSL* ssl_ = nullptr;
};

// A listening socket on addr:port (port 0: any free one). -1 and `why` on failure.
int listen_on(const std::string& addr, int port, int backlog, std::string& why);
// The port a socket is bound to.
int bound_port(int fd);
// "127.0.0.1:53422"
std::string peer_name(int fd);
// Connects with a timeout; -1 and `why` on failure.
int connect_to(const std::string& host, int port, int timeout_ms, std::string& why);

}  // namespace hl7v2::cli::net
