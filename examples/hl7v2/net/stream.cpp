#include "net/stream.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace hl7v2::cli::net {

std::string tls_error_text() {
  std::string out;
  while (const unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "TLS error" : out;
}

tls_context::~tls_context() {
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
}

std::string tls_context::make_server(const std::string& cert, const std::string& key,
                                     const std::string& client_ca) {
  ctx_ = SSL_CTX_new(TLS_server_method());
  if (ctx_ == nullptr) return tls_error_text();
  SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
  if (SSL_CTX_use_certificate_chain_file(ctx_, cert.c_str()) != 1)
    return "--tls-cert " + cert + ": " + tls_error_text();
  if (SSL_CTX_use_PrivateKey_file(ctx_, key.c_str(), SSL_FILETYPE_PEM) != 1)
    return "--tls-key " + key + ": " + tls_error_text();
  if (SSL_CTX_check_private_key(ctx_) != 1) return "--tls-key does not match --tls-cert: " + tls_error_text();
  if (!client_ca.empty()) {
    if (SSL_CTX_load_verify_locations(ctx_, client_ca.c_str(), nullptr) != 1)
      return "--tls-client-ca " + client_ca + ": " + tls_error_text();
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(client_ca.c_str());
    if (names != nullptr) SSL_CTX_set_client_CA_list(ctx_, names);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  return {};
}

std::string tls_context::make_client(const std::string& ca, const std::string& cert, const std::string& key) {
  ctx_ = SSL_CTX_new(TLS_client_method());
  if (ctx_ == nullptr) return tls_error_text();
  SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
  if (ca.empty() ? SSL_CTX_set_default_verify_paths(ctx_) != 1
                 : SSL_CTX_load_verify_locations(ctx_, ca.c_str(), nullptr) != 1)
    return "--tls-ca " + ca + ": " + tls_error_text();
  SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
  if (!cert.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx_, cert.c_str()) != 1)
      return "--tls-cert " + cert + ": " + tls_error_text();
    if (SSL_CTX_use_PrivateKey_file(ctx_, key.c_str(), SSL_FILETYPE_PEM) != 1)
      return "--tls-key " + key + ": " + tls_error_text();
  }
  return {};
}

stream::stream(stream&& o) noexcept : fd_(o.fd_), ssl_(o.ssl_) {
  o.fd_ = -1;
  o.ssl_ = nullptr;
}

stream& stream::operator=(stream&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    ssl_ = o.ssl_;
    o.fd_ = -1;
    o.ssl_ = nullptr;
  }
  return *this;
}

stream::~stream() { close(); }

void stream::set_timeouts(int read_ms, int write_ms) {
  const auto tv = [](int ms) {
    timeval t{};
    t.tv_sec = ms / 1000;
    t.tv_usec = (ms % 1000) * 1000;
    return t;
  };
  const timeval r = tv(read_ms), w = tv(write_ms);
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &r, sizeof r);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &w, sizeof w);
}

bool stream::tls_accept(const tls_context& ctx, std::string& why) {
  ssl_ = SSL_new(ctx.get());
  if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) {
    why = tls_error_text();
    return false;
  }
  if (SSL_accept(ssl_) != 1) {
    why = tls_error_text();
    return false;
  }
  return true;
}

bool stream::tls_connect(const tls_context& ctx, const std::string& host, std::string& why) {
  ssl_ = SSL_new(ctx.get());
  if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) {
    why = tls_error_text();
    return false;
  }
  if (!host.empty()) {
    SSL_set_tlsext_host_name(ssl_, host.c_str());
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
    in6_addr a6{};
    in_addr a4{};
    if (::inet_pton(AF_INET, host.c_str(), &a4) == 1 || ::inet_pton(AF_INET6, host.c_str(), &a6) == 1)
      X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    else
      X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
  }
  if (SSL_connect(ssl_) != 1) {
    why = tls_error_text();
    return false;
  }
  return true;
}

io_status stream::read_some(char* buf, std::size_t cap, std::size_t& got) {
  got = 0;
  if (ssl_ != nullptr) {
    const int n = SSL_read(ssl_, buf, static_cast<int>(cap));
    if (n > 0) {
      got = static_cast<std::size_t>(n);
      return io_status::ok;
    }
    const int e = SSL_get_error(ssl_, n);
    if (e == SSL_ERROR_ZERO_RETURN) return io_status::closed;
    if (e == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK)) return io_status::timeout;
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return io_status::timeout;
    ERR_clear_error();
    return n == 0 ? io_status::closed : io_status::error;
  }
  for (;;) {
    const ssize_t n = ::recv(fd_, buf, cap, 0);
    if (n > 0) {
      got = static_cast<std::size_t>(n);
      return io_status::ok;
    }
    if (n == 0) return io_status::closed;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return io_status::timeout;
    return errno == ECONNRESET ? io_status::closed : io_status::error;
  }
}

io_status stream::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    if (ssl_ != nullptr) {
      const int n = SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()));
      if (n > 0) {
        bytes.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      const int e = SSL_get_error(ssl_, n);
      ERR_clear_error();
      if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ ||
          (e == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK)))
        return io_status::timeout;
      return io_status::error;
    }
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return io_status::timeout;
    return io_status::error;
  }
  return io_status::ok;
}

void stream::shutdown_read() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RD);
}

void stream::shutdown_all() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

void stream::close() {
  if (ssl_ != nullptr) {
    SSL_free(ssl_);
    ssl_ = nullptr;
  }
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

int listen_on(const std::string& addr, int port, int backlog, std::string& why) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string service = std::to_string(port);
  if (const int e = ::getaddrinfo(addr.c_str(), service.c_str(), &hints, &res); e != 0) {
    why = std::string("--bind ") + addr + ": " + ::gai_strerror(e);
    return -1;
  }
  int fd = -1;
  for (addrinfo* a = res; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, backlog) != 0) {
      why = std::string("bind ") + addr + ":" + service + ": " + std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(res);
  return fd;
}

int bound_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return -1;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
}

std::string peer_name(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "?";
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (ss.ss_family == AF_INET) {
    const auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    ::inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
    port = ntohs(a->sin_port);
    return std::string(host) + ":" + std::to_string(port);
  }
  const auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
  ::inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
  port = ntohs(a->sin6_port);
  return "[" + std::string(host) + "]:" + std::to_string(port);
}

int connect_to(const std::string& host, int port, int timeout_ms, std::string& why) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string service = std::to_string(port);
  if (const int e = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &res); e != 0) {
    why = host + ": " + ::gai_strerror(e);
    return -1;
  }
  int fd = -1;
  for (addrinfo* a = res; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) continue;
    int r = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (r != 0 && errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      r = ::poll(&p, 1, timeout_ms) == 1 ? 0 : -1;
      int err = r == 0 ? 0 : ETIMEDOUT;
      socklen_t len = sizeof err;
      if (r == 0) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        errno = err;
        r = -1;
      }
    }
    if (r != 0) {
      why = host + ":" + service + ": " + std::strerror(errno);
      ::close(fd);
      fd = -1;
      continue;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ::freeaddrinfo(res);
  return fd;
}

}  // namespace hl7v2::cli::net
