import Crypto
import Foundation
import OptralisCore

/// Encrypts the monitored databases' passwords at rest: AES-256-GCM with the api's
/// `DATABASE_CREDENTIALS_KEY` (32 bytes as 64 hex digits). A sealed value is nonce (12 bytes) ‖
/// ciphertext ‖ tag (16 bytes); the database id is the authenticated data, so a sealed password
/// copied onto another row does not open.
struct CredentialSealer: Sendable {
    private let key: SymmetricKey

    init(key: SymmetricKey) { self.key = key }

    /// nil when `hex` is not 64 hex digits.
    init?(hexKey hex: String) {
        guard hex.utf8.count == 64, let bytes = Self.bytes(hex) else { return nil }
        key = SymmetricKey(data: bytes)
    }

    func seal(_ password: String, for id: UUID) throws -> [UInt8] {
        let box = try AES.GCM.seal(Data(password.utf8), using: key, authenticating: Self.context(id))
        guard let combined = box.combined else { throw AppError.internalError }
        return [UInt8](combined)
    }

    /// nil when the value does not open with this key (another key, or tampered).
    func open(_ sealed: [UInt8], for id: UUID) -> String? {
        guard let box = try? AES.GCM.SealedBox(combined: sealed),
            let plain = try? AES.GCM.open(box, using: key, authenticating: Self.context(id))
        else { return nil }
        return String(decoding: plain, as: UTF8.self)
    }

    private static func context(_ id: UUID) -> Data { Data("optralis-database:\(id.uuidString.lowercased())".utf8) }

    private static func bytes(_ hex: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var high: UInt8?
        for character in hex.utf8 {
            guard let nibble = Self.nibble(character) else { return nil }
            if let first = high {
                bytes.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
