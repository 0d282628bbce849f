import Hummingbird

/// `{"success": true, "count": n}`: how many rows a fleet change touched.
struct CountDone: ResponseEncodable {
    let success = true
    let count: Int
}
