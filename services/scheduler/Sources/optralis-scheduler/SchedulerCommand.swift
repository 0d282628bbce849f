import ArgumentParser
import Foundation
import Logging
import OptralisCore
import OptralisScheduler
import OptralisServer

@main
struct SchedulerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optralis-scheduler", abstract: "The Optralis scheduler: retention, offline detection, reminders, roll-ups.",
        version: OptralisVersion.current, subcommands: [Serve.self, Cron.self, RunJob.self], defaultSubcommand: Serve.self)

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the scheduled jobs (default).")

        func run() async throws {
            try await ServiceMain.serve(executable: "optralis-scheduler", service: "scheduler", configuration: SchedulerConfiguration.init) {
                SchedulerServer(configuration: $0, logger: $1).makeApplication()
            }
        }
    }

    struct RunJob: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run-job", abstract: "Run one scheduled job now and print what it did (token-cleanup, retention, rollups, …).")

        @Argument(help: "The job's name.") var name: String

        func run() async throws {
            let configuration = ServiceMain.configuration(for: "optralis-scheduler", SchedulerConfiguration.init)
            OptralisLogging.bootstrap(service: "scheduler", environment: ProcessInfo.processInfo.environment)
            let server = SchedulerServer(configuration: configuration, logger: Logger(label: "optralis.scheduler"))
            let (counts, duration) = try await server.runOnce(job: name)
            let figures = counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            print("job=\(name) duration_ms=\(duration.milliseconds) \(figures)")
        }
    }

    struct Cron: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cron tools.", subcommands: [Next.self])

        struct Next: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print the next run times of a cron expression.")

            @Argument(help: "A five-field expression or a macro (@hourly, @daily, @weekly, …).") var expression: String
            @Option(help: "Start after this ISO 8601 time (default: now).") var after: String?
            @Option(help: "How many run times.") var count = 5
            @Option(help: "Time zone of the expression (IANA name).") var tz = "UTC"

            func run() throws {
                guard let zone = TimeZone(identifier: tz) else { throw ValidationError("unknown time zone \(tz)") }
                let schedule: Schedule
                do {
                    schedule = try Schedule(expression, timeZone: zone)
                } catch {
                    throw ValidationError(error.description)
                }
                var time = Date()
                if let after {
                    guard let parsed = ISO8601DateFormatter().date(from: after) else {
                        throw ValidationError("--after must be ISO 8601, e.g. 2026-03-29T00:00:00Z")
                    }
                    time = parsed
                }
                let formatter = ISO8601DateFormatter()
                formatter.timeZone = zone
                formatter.formatOptions = [.withInternetDateTime]
                for _ in 0..<max(1, count) {
                    guard let next = schedule.next(after: time) else { break }
                    print(formatter.string(from: next))
                    time = next
                }
            }
        }
    }
}
