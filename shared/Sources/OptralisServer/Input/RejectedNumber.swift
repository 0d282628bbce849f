import Foundation

/// Finds the number a decode refused. Foundation's JSONDecoder on Linux reports a number that
/// does not fit its field (`1e30` for an `Int`, `4294967296` for an `Int32`, `1.5` for an `Int`)
/// as "not valid JSON" with no coding path, so the body cannot say which field is wrong. When the
/// body is valid JSON, each suspect number (not whole, or beyond `Int32`) is set to 0 in turn and
/// the body decoded again: the one whose change makes that error go is the field to name.
public enum RejectedNumber {
    private enum Step {
        case key(String)
        case index(Int)
    }

    /// Bodies above this size get the generic message: the search decodes the body again per suspect.
    static let maximumBody = 256 * 1024
    static let maximumSuspects = 20

    public static func locate<T: Decodable>(in body: Data, decoding type: T.Type, with decoder: JSONDecoder) -> DecodingProblem? {
        guard body.count <= maximumBody, let root = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else { return nil }
        var suspects: [(path: [Step], value: Double)] = []
        collect(root, path: [], into: &suspects)
        for suspect in suspects.prefix(maximumSuspects) {
            guard let patched = try? JSONSerialization.data(withJSONObject: replacing(root, at: suspect.path[...]), options: [.fragmentsAllowed]) else {
                continue
            }
            do {
                _ = try decoder.decode(type, from: patched)
            } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
                continue // the same path-less refusal: another number is the one
            } catch {}
            let field = text(suspect.path)
            return suspect.value == suspect.value.rounded()
                ? DecodingProblem(.outOfRange, field: field, message: "\(field) is out of range")
                : DecodingProblem(.wrongType, field: field, message: "\(field) must be an integer")
        }
        return nil
    }

    private static func collect(_ value: Any, path: [Step], into suspects: inout [(path: [Step], value: Double)]) {
        switch value {
        case let object as [String: Any]:
            for (key, child) in object.sorted(by: { $0.key < $1.key }) { collect(child, path: path + [.key(key)], into: &suspects) }
        case let array as [Any]:
            for (index, child) in array.enumerated() { collect(child, path: path + [.index(index)], into: &suspects) }
        case let number as NSNumber where !(value is String):
            // Booleans bridge to NSNumber as 0 and 1: never suspects.
            let double = number.doubleValue
            if double != double.rounded() || abs(double) > Double(Int32.max) { suspects.append((path, double)) }
        default:
            break
        }
    }

    private static func replacing(_ value: Any, at path: ArraySlice<Step>) -> Any {
        guard let step = path.first else { return 0 }
        switch (step, value) {
        case (.key(let key), var object as [String: Any]):
            object[key] = object[key].map { replacing($0, at: path.dropFirst()) }
            return object
        case (.index(let index), var array as [Any]) where array.indices.contains(index):
            array[index] = replacing(array[index], at: path.dropFirst())
            return array
        default:
            return value
        }
    }

    private static func text(_ path: [Step]) -> String {
        path.reduce(into: "") { text, step in
            switch step {
            case .key(let key): text += (text.isEmpty ? "" : ".") + key
            case .index(let index): text += "[\(index)]"
            }
        }
    }
}
