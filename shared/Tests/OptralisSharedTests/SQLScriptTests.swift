import OptralisPostgres
import Testing

@Suite("Splitting migration files into statements")
struct SQLScriptTests {
    @Test func splits_at_top_level_semicolons_only() {
        let sql = """
            -- header comment; with a semicolon
            CREATE TABLE a (note TEXT DEFAULT 'x;y', "odd;name" INT);
            /* block; comment /* nested; */ still comment */
            INSERT INTO a (note) VALUES ('it''s; fine');
            CREATE FUNCTION f() RETURNS trigger AS $$
            BEGIN NEW.updated_at = now(); RETURN NEW; END;
            $$ LANGUAGE plpgsql;
            DO $body$ BEGIN PERFORM 1; END $body$;
            SELECT $1::int;
            """
        let statements = SQLScript.statements(in: sql)
        #expect(statements.count == 5, "\(statements)")
        #expect(statements[0].hasSuffix(#"CREATE TABLE a (note TEXT DEFAULT 'x;y', "odd;name" INT)"#))
        #expect(statements[1].hasSuffix("INSERT INTO a (note) VALUES ('it''s; fine')"))
        #expect(statements[2].hasPrefix("CREATE FUNCTION f()") && statements[2].hasSuffix("$$ LANGUAGE plpgsql"))
        #expect(statements[3] == "DO $body$ BEGIN PERFORM 1; END $body$")
        #expect(statements[4] == "SELECT $1::int")
    }

    @Test func a_trailing_comment_is_not_a_statement() {
        #expect(SQLScript.statements(in: "SELECT 1;\n-- the end\n").count == 1)
        #expect(SQLScript.statements(in: "").isEmpty)
    }
}
