import ArgumentParser

@main
struct TrainerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zooter-trainer",
        abstract: "Zooter's offline jobs: embed, evaluate, fit the reward model, train a router and push it.",
        subcommands: [EmbedCommand.self, EvaluateCommand.self, TrainRewardCommand.self, TrainCommand.self, RouteCommand.self, HealthCommand.self, DriftCommand.self, ExportCommand.self])
}
