import Foundation
import Synchronization

/// The CRL `GET /api/public/crl` serves: the ca's, kept 5 minutes, dropped as soon as a
/// revocation or a restore goes through the api, so the public list never lags behind it.
final class PublishedCRL: Sendable {
    static let maximumAgeSeconds: TimeInterval = 300
    let ca: CAClient
    private let cached = Mutex<(at: Date, der: [UInt8])?>(nil)

    init(ca: CAClient) {
        self.ca = ca
    }

    func current() async throws -> [UInt8] {
        if let cached = cached.withLock({ $0 }), Date().timeIntervalSince(cached.at) < Self.maximumAgeSeconds { return cached.der }
        let der = try await ca.crl()
        cached.withLock { $0 = (Date(), der) }
        return der
    }

    func invalidate() {
        cached.withLock { $0 = nil }
    }
}
