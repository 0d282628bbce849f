import Foundation
import Testing

@testable import OptralisWeb

@Suite("A refused form: the api's reason next to its field, in the user's language")
struct FieldErrorsTests {
    func renderer() async throws -> PageRenderer {
        let resources = LocaleTests.resources
        return try await PageRenderer(resources: resources, assets: try StaticAssets(directory: resources + "/public"))
    }

    func refusal(_ message: String) -> APIClient.Reply {
        APIClient.Reply(status: 400, body: Array(#"{"error": "\#(message)", "code": "VALIDATION_ERROR"}"#.utf8))
    }

    @Test func the_field_named_first_gets_the_rest_of_the_message_translated() async throws {
        let renderer = try await renderer()
        let fields: Set<String> = ["cooldown_minutes", "webhook_url", "name", "emails"]
        func errors(_ message: String, _ language: String) -> [String: String] {
            FieldErrors.values(refusal(message), fields: fields, language: language, renderer: renderer)["errors"] as? [String: String] ?? [:]
        }
        #expect(errors("cooldown_minutes must be between 5 and 10080", "fr") == ["cooldown_minutes": "doit être entre 5 et 10080"])
        #expect(errors("cooldown_minutes must be between 5 and 10080", "en") == ["cooldown_minutes": "must be between 5 and 10080"])
        #expect(errors("config.webhook_url is required", "fr") == ["webhook_url": "est obligatoire"])
        #expect(
            errors("config.webhook_url refused: the host resolves to a private address", "fr")
                == ["webhook_url": "refusée : the host resolves to a private address"])
        #expect(errors("name must be 1 to 100 characters", "fr") == ["name": "doit compter de 1 à 100 caractères"])
        #expect(errors("config.emails must hold 1 to 50 addresses", "fr") == ["emails": "doit contenir de 1 à 50 adresses"])
        let inside = FieldErrors.values(refusal("a valid email is required"), fields: ["email", "role"], language: "fr", renderer: renderer)
        #expect(inside["errors"] as? [String: String] == ["email": "n’est pas une adresse e-mail valide"], "a field named inside the sentence")
        // A shape with no French yet: the api's words, said to be the server's.
        #expect(errors("name collides with a reserved word", "fr") == ["name": "Refusé : collides with a reserved word"])
    }

    @Test func a_collectors_interval_is_placed_by_its_collector() async throws {
        let renderer = try await renderer()
        func errors(_ message: String, _ language: String) -> [String: String] {
            FieldErrors.values(refusal(message), fields: ["metrics", "priority"], language: language, renderer: renderer)["errors"] as? [String: String] ?? [:]
        }
        #expect(errors("metrics interval must be between 5 and 300 seconds", "fr") == ["metrics": "doit être entre 5 et 300 secondes"])
        #expect(errors("intervals.metrics must be an integer", "fr") == ["metrics": "doit être un nombre entier"])
        #expect(errors("intervals.metrics must be an integer", "en") == ["metrics": "must be an integer"])
        #expect(errors("priority must be from -2147483647 to 2147483647", "fr") == ["priority": "doit être entre -2147483647 et 2147483647"])
    }

    @Test func a_message_naming_no_field_of_the_form_goes_above_it() async throws {
        let renderer = try await renderer()
        let values = FieldErrors.values(refusal("a rule targets a machine or a group, not both"), fields: ["name"], language: "en", renderer: renderer)
        #expect(values["errors"] == nil && values["error"] as? String == "a rule targets a machine or a group, not both")
        let silent = FieldErrors.values(APIClient.Reply(status: 502, body: []), fields: ["name"], language: "fr", renderer: renderer)
        #expect(silent["error"] as? String == renderer.text("api_unavailable", "fr"))
    }
}
