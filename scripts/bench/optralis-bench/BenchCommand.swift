import ArgumentParser

@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optralis-bench", abstract: "Optralis benchmarks (run through `make bench`).",
        subcommands: [NotifierBenchmark.self, IngestBenchmark.self])
}
