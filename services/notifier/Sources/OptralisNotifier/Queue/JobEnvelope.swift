import Crypto
import Foundation
import OptralisCore

/// A queued job seen generically: its JSON object, its idempotency id and retry count.
/// Both queues' jobs are JSON objects with `retries`; `id` falls back to a hash of the job
/// without its retry bookkeeping, so it stays the same across attempts.
struct JobEnvelope: Sendable {
    let payload: String
    let id: String
    let retries: Int

    init?(payload: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any] else { return nil }
        self.payload = payload
        retries = object["retries"] as? Int ?? 0
        if let id = object["id"] as? String, !id.isEmpty {
            self.id = id
        } else {
            var stable = object
            stable["retries"] = nil
            stable["last_error"] = nil
            let bytes = (try? JSONSerialization.data(withJSONObject: stable, options: [.sortedKeys])) ?? Data(payload.utf8)
            id = SHA256.hash(data: bytes).hexString
        }
    }

    /// The same job with `retries` + 1 and the error that caused it.
    func nextAttempt(error: String) -> String {
        next(error: error, redactingSecrets: false)
    }

    /// ``nextAttempt(error:)`` for the dead-letter list, which people read and which nothing
    /// delivers from: an email's credentials (`EmailJob.secretDataKeys`) are redacted.
    func buried(error: String) -> String {
        next(error: error, redactingSecrets: true)
    }

    private func next(error: String, redactingSecrets: Bool) -> String {
        guard var object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any] else { return payload }
        if redactingSecrets, var data = object["data"] as? [String: Any] {
            for key in EmailJob.secretDataKeys where data[key] != nil { data[key] = EmailJob.redacted }
            object["data"] = data
        }
        object["retries"] = retries + 1
        object["last_error"] = String(error.prefix(500))
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return payload }
        return String(decoding: data, as: UTF8.self)
    }

    func decode<T: Decodable>(_ type: T.Type) -> T? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(type, from: Data(payload.utf8))
    }
}
