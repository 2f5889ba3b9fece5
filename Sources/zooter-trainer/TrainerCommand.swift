import ArgumentParser

@main
struct TrainerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zooter-trainer",
        abstract: "Zooter's offline jobs: embed, evaluate, train and publish a router.",
        subcommands: [])
}
