using QueryTags.SignalR.Npgsql.Internal;

namespace QueryTags.SignalR.Npgsql;

/// <summary>How PostgreSQL change capture connects, what it reads and how it publishes.</summary>
public sealed class PostgresChangeCaptureOptions
{
    /// <summary>
    /// The Npgsql connection string of the database whose changes are captured. Its user needs the <c>REPLICATION</c>
    /// attribute, and <c>pg_hba.conf</c> must let it open replication connections.
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// The persistent logical replication slot (<c>pgoutput</c>), created when missing. Default <c>querytags_capture</c>.
    /// Every node of one app uses the same slot; a second app on the same database needs a slot of its own.
    /// </summary>
    public string SlotName { get; set; } = "querytags_capture";

    /// <summary>The publication of the captured tables, created (or its table list set) at start. Default <c>querytags_capture</c>.</summary>
    public string PublicationName { get; set; } = "querytags_capture";

    /// <summary>
    /// Most tags in one invalidation. Past it, the transaction's tags are shortened to their prefixes (the longest
    /// first) until they fit: 10,000 changed todos give <c>["todos"]</c> and <c>["todo"]</c>, not 10,000
    /// <c>["todo", id]</c>. Clients then refetch more than changed, never less. Default 100.
    /// </summary>
    public int MaxTagsPerInvalidation { get; set; } = 100;

    /// <summary>
    /// How long a node waits before it tries again: to take the slot over from another node (which holds it while it
    /// lives), to reconnect, or to publish when the invalidation log is unavailable. Default 2 seconds.
    /// </summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Sets <c>REPLICA IDENTITY FULL</c> on every captured table at start (when it is not set), so updates and deletes
    /// carry the row's old values and a todo moved from list 1 to list 2 invalidates both lists. It costs the old row in
    /// the write-ahead log of each update and delete, and needs the table's owner. Off: only the key's old values are
    /// known, and tags computed from other columns' old values are missed. Default true.
    /// </summary>
    public bool SetReplicaIdentityFull { get; set; } = true;

    internal Dictionary<TableName, Func<CapturedRow, IEnumerable<Tag>>> Tables { get; } = [];

    internal List<Type> Contexts { get; } = [];

    /// <summary>
    /// Captures a table without EF Core: <paramref name="tags"/> gives the tags of one row's values. An update calls it
    /// for the old values and for the new ones; an insert for the new, a delete for the old.
    /// </summary>
    /// <param name="table">The table, as <c>name</c> (schema <c>public</c>) or <c>schema.name</c>, unquoted and as stored (case-sensitive).</param>
    /// <param name="tags">The tags of a row, such as <c>row =&gt; [["orders"], ["order", (int)row["id"]!]]</c>.</param>
    /// <returns>The options, for chaining.</returns>
    public PostgresChangeCaptureOptions MapTable(string table, Func<CapturedRow, IEnumerable<Tag>> tags)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(table);
        ArgumentNullException.ThrowIfNull(tags);
        Tables[TableName.Parse(table)] = tags;
        return this;
    }
}
