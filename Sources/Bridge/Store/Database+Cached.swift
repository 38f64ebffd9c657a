import GRDB

extension Database {
    /// Runs a statement compiled once per connection. The store's hot paths (outbox, cursors,
    /// pictures) run thousands of times a second, and compiling their SQL every time, with GRDB's
    /// authorizer, took about a tenth of the bridge's CPU under the Vanke load.
    func run(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// Rows of a cached statement.
    func rows(sql: String, arguments: StatementArguments) throws -> [Row] {
        try Row.fetchAll(cachedStatement(sql: sql), arguments: arguments)
    }
}
