import Foundation
import Hummingbird
import Testing

@testable import OptralisAPI

@Suite("Executive reports: one at a time per client")
struct ReportsInFlightTests {
    @Test func a_second_report_of_the_same_client_is_a_429_while_the_first_runs_and_others_are_not_held() async throws {
        let inFlight = ReportsInFlight()
        let acme = UUID(), initech = UUID()
        let (started, startedSignal) = AsyncStream<Void>.makeStream()
        let (release, releaseSignal) = AsyncStream<Void>.makeStream()
        let first = Task {
            try await inFlight.run(client: acme) { () async throws -> Int in
                startedSignal.yield()
                for await _ in release { break }
                return 1
            }
        }
        for await _ in started { break }

        await #expect(throws: HTTPError.self) { try await inFlight.run(client: acme) { 2 } }
        do {
            _ = try await inFlight.run(client: acme) { 2 }
        } catch let error as HTTPError {
            #expect(error.status == .tooManyRequests && error.headers[.retryAfter] == "5")
        }
        #expect(try await inFlight.run(client: initech) { 3 } == 3, "another client is not held")

        releaseSignal.yield()
        #expect(try await first.value == 1)
        #expect(try await inFlight.run(client: acme) { 4 } == 4, "the slot is free once the first ends")
        // A report that fails frees its slot too.
        await #expect(throws: CancellationError.self) { try await inFlight.run(client: acme) { () async throws -> Int in throw CancellationError() } }
        #expect(try await inFlight.run(client: acme) { 5 } == 5)
    }
}
