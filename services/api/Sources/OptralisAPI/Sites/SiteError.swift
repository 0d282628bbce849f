import OptralisCore

/// The errors of sites.
enum SiteError {
    static func exists(_ name: String) -> AppError { .conflict("a site named \"\(name)\" exists", code: "SITE_EXISTS") }
}
