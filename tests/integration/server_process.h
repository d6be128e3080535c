// Starts a real server (licet-server, licet-volume) on 127.0.0.1 port 0 in a child process, reads
// the bound port from its first line of output ("... listening on 127.0.0.1:PORT ..."), and kills
// it at the end (SIGTERM, or SIGKILL on demand).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_runner.h"

namespace licet::testing {

class ServerProcess {
 public:
  /// `extra_env` ("NAME=value") is added to this process's environment for the server.
  ServerProcess(const std::string& server_bin, const std::filesystem::path& data,
                const std::vector<std::string>& extra_args = {},
                const std::vector<std::string>& extra_env = {})
      : extra_env_(extra_env) {
    std::vector<std::string> args = {server_bin, "serve",       "--data",    data.string(),
                                     "--listen", "127.0.0.1:0", "--threads", "4"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    Start(server_bin, args);
  }
  /// `args` is the whole argv, program name first. Without `wait_for_line`, returns at once (for a
  /// program that does not announce its port, such as dnsmasq).
  ServerProcess(const std::string& bin, std::vector<std::string> args, bool wait_for_line = true)
      : wait_for_line_(wait_for_line) {
    Start(bin, args);
  }
  ~ServerProcess() { Kill(SIGTERM); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  /// Sends `sig` and waits; returns the exit status (128 + signal when killed by one).
  int Kill(int sig) {
    if (pid_ <= 0) return exit_status_;
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    if (out_ >= 0) ::close(out_);
    out_ = -1;
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_status_;
  }
  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  [[nodiscard]] const std::string& first_line() const { return line_; }

 private:
  void Start(const std::string& server_bin, std::vector<std::string> args) {
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
    for (std::string& e : extra_env_) envp.push_back(e.data());
    envp.push_back(nullptr);
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return;  // dup2 gives the child a plain stdout
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::close(out[0]);
      ::close(out[1]);
      ::execve(server_bin.c_str(), argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(out[1]);
    // The read end stays open until Kill(): a child writing more output must not die of SIGPIPE.
    out_ = out[0];
    if (!wait_for_line_) return;
    // "licet-server: ... listening on 127.0.0.1:PORT ...\n"
    char c = 0;
    while (::read(out_, &c, 1) == 1 && c != '\n') line_.push_back(c);
    const std::string marker = "listening on ";
    const size_t at = line_.find(marker);
    const size_t colon = at == std::string::npos ? at : line_.find(':', at + marker.size());
    if (colon != std::string::npos) port_ = std::atoi(line_.c_str() + colon + 1);
  }

  std::vector<std::string> extra_env_;
  bool wait_for_line_ = true;
  int out_ = -1;
  int exit_status_ = -1;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string line_;
};

}  // namespace licet::testing
