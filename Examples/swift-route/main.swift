// Asks a running zooter-router where two queries should go.
// Run: swift run zooter-example-route 127.0.0.1:50051
import ZooterClient

let target = CommandLine.arguments.dropFirst().first ?? "127.0.0.1:50051"
try await RouterClient.with(target: target) { router in
    print("router:", try await router.health())
    let decision = try await router.route("Prove that the square root of 2 is irrational.")
    print("chosen:", decision.chosen, "model:", decision.modelVersion)
    for expert in decision.ranked.prefix(3) {
        print("  \(expert.expert) \(expert.probability)")
    }
    // Cheaper experts win closer calls as the cost weight grows.
    let thrifty = try await router.route("Name the capital of France.", costWeight: 0.5)
    print("with cost weight 0.5:", thrifty.chosen)
}
