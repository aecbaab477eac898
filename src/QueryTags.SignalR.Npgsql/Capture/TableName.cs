namespace QueryTags.SignalR.Npgsql.Internal;

/// <summary>A table's schema and name as PostgreSQL stores them (unquoted, case-sensitive).</summary>
internal readonly record struct TableName(string Schema, string Name)
{
    public const string DefaultSchema = "public";

    public static TableName Parse(string table) => table.Split('.') switch
    {
        [var name] => new(DefaultSchema, name),
        [var schema, var name] => new(schema, name),
        _ => throw new ArgumentException($"'{table}' is not a table name: write it as name or schema.name.", nameof(table)),
    };

    /// <summary>The name quoted for SQL, as <c>"schema"."name"</c>.</summary>
    public string Quoted => $"{Quote(Schema)}.{Quote(Name)}";

    public override string ToString() => $"{Schema}.{Name}";

    /// <summary>An identifier quoted for SQL.</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
