import OptralisCore
import OptralisPostgres
import OptralisRedis
import Testing

@Suite("Configuration from the environment")
struct ConfigurationTests {
    @Test func every_missing_variable_is_named_in_one_error() throws {
        var reader = EnvironmentReader(["JWT_SECRET": "   "])
        _ = reader.required("JWT_SECRET", minimumLength: 32, hint: "secret")
        _ = reader.databaseURL()
        let error = #expect(throws: ConfigurationError.self) { try reader.validate() }
        #expect(error?.problems.map(\.variable) == ["JWT_SECRET", "DATABASE_URL"])
        #expect(error?.description.contains("JWT_SECRET is required") == true, "a blank value counts as unset")
    }

    @Test func short_secret_and_out_of_range_port_are_refused() throws {
        var reader = EnvironmentReader(["JWT_SECRET": "abc", "PORT": "70000", "FLAG": "maybe"])
        _ = reader.required("JWT_SECRET", minimumLength: 32, hint: "secret")
        let port = reader.port("PORT", default: 3000)
        let flag = reader.bool("FLAG", default: false)
        #expect(port == 3000)
        #expect(flag == false)
        #expect(reader.problems.map(\.variable) == ["JWT_SECRET", "PORT", "FLAG"])
        #expect(reader.problems[0].reason.contains("at least 32 characters (got 3)"))
    }

    @Test func defaults_apply_when_unset_and_values_parse_when_set() throws {
        var reader = EnvironmentReader(["PORT": "8080", "ENABLED": "yes", "OPTRALIS_ENV": "Production"])
        let port = reader.port("PORT", default: 3000)
        let otherPort = reader.port("OTHER_PORT", default: 3002)
        #expect(port == 8080)
        #expect(otherPort == 3002)
        let enabled = reader.bool("ENABLED", default: false)
        #expect(enabled)
        let environment = reader.deploymentEnvironment()
        #expect(environment == .production)
        try reader.validate()
    }

    @Test func database_url_parses_credentials_port_and_tls_mode() throws {
        let url = try DatabaseURL(parsing: "postgresql://optralis:p%40ss%2Fword@db.internal:6543/monitoring?sslmode=require")
        #expect(url.username == "optralis")
        #expect(url.password == "p@ss/word")
        #expect(url.host == "db.internal")
        #expect(url.port == 6543)
        #expect(url.database == "monitoring")
        #expect(url.tlsMode == .require)
        #expect(!url.description.contains("p@ss"), "descriptions never show the password")
        #expect(try DatabaseURL(parsing: url.urlString) == url, "urlString round-trips")
    }

    @Test(arguments: [
        ("mysql://u:p@h/db", "must start with postgres://"),
        ("postgres://u:p@h", "has no database name"),
        ("postgres://h/db", "has no user name"),
        ("postgres://u:p@h/db?sslmode=sometimes", "unknown sslmode"),
    ])
    func malformed_database_urls_say_what_is_wrong(input: String, reason: String) {
        #expect(throws: DatabaseURLError.self) { try DatabaseURL(parsing: input) }
        do {
            _ = try DatabaseURL(parsing: input)
        } catch {
            #expect(error.reason.contains(reason), "\(error.reason)")
        }
    }

    @Test func redis_url_parses_password_and_database() throws {
        let url = try RedisURL(parsing: "redis://:s3cret@cache:6380/2")
        #expect(url.host == "cache")
        #expect(url.port == 6380)
        #expect(url.password == "s3cret")
        #expect(url.username == nil)
        #expect(url.database == 2)
        #expect(throws: RedisURLError.self) { try RedisURL(parsing: "http://cache") }
        #expect(throws: RedisURLError.self) { try RedisURL(parsing: "redis://cache/notanumber") }
        var reader = EnvironmentReader([:])
        let optional = reader.redisURL(required: false)
        #expect(optional == nil)
        #expect(reader.problems.isEmpty, "REDIS_URL is optional where the caller says so")
        let required = reader.redisURL(required: true)
        #expect(required == nil)
        #expect(reader.problems.map(\.variable) == ["REDIS_URL"])
    }
}
