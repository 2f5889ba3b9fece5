import ArgumentParser

@main
struct TrainerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zooter-trainer",
        abstract: "Zooter's offline jobs: embed, evaluate, fit the reward model, train and publish a router.",
        subcommands: [EmbedCommand.self, EvaluateCommand.self, TrainRewardCommand.self, TrainCommand.self, RouteCommand.self, HealthCommand.self])
}
