// The transport benchmark's gRPC C++ peer: grpc.health.v1.Health/Check (always SERVING) on
// gRPC C++ (Debian's libgrpc++-dev) through the callback API's generic service, so no code
// generation is needed: the request is read as raw bytes and a fixed reply is written.
// Build (scripts/bench-transport does):
//   g++ -O2 -std=c++17 health_server.cc $(pkg-config --cflags --libs grpc++) -o grpc-cpp-health
// Run: grpc-cpp-health [PORT]   → prints "PORT n" once it listens, serves until killed.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>

namespace {

// One call: read the request, answer HealthCheckResponse{status: SERVING}, finish.
class CheckReactor : public grpc::ServerGenericBidiReactor {
 public:
  CheckReactor() { StartRead(&request_); }

  void OnReadDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request message"));
      return;
    }
    static const char serving[] = {0x08, 0x01};
    grpc::Slice slice(serving, sizeof serving);
    response_ = grpc::ByteBuffer(&slice, 1);
    StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
  }

  void OnDone() override { delete this; }

 private:
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
};

// Any other method: UNIMPLEMENTED, as a generated server would answer.
class UnimplementedReactor : public grpc::ServerGenericBidiReactor {
 public:
  UnimplementedReactor() { Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "")); }
  void OnDone() override { delete this; }
};

class HealthService : public grpc::CallbackGenericService {
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* context) override {
    if (context->method() == "/grpc.health.v1.Health/Check") return new CheckReactor();
    return new UnimplementedReactor();
  }
};

}  // namespace

int main(int argc, char** argv) {
  const std::string address = std::string("127.0.0.1:") + (argc > 1 ? argv[1] : "0");
  HealthService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port);
  builder.RegisterCallbackGenericService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::fprintf(stderr, "cannot listen on %s\n", address.c_str());
    return 1;
  }
  std::printf("PORT %d\n", port);
  std::fflush(stdout);
  server->Wait();
  return 0;
}
