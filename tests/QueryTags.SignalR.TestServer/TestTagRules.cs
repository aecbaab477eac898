using System.Collections.Concurrent;

namespace QueryTags.SignalR.TestServer;

/// <summary>
/// The tags the test server authorizes, under prefixes no test uses for anything else:
/// <list type="bullet">
/// <item><c>["account", "{sub}"]</c>: each user their own account;</item>
/// <item><c>["org", "{org_id}"]</c>: each user their organization;</item>
/// <item><c>["admin"]</c>: the policy <see cref="TestAuthentication.AdminsPolicy"/> (claim <c>role</c> = <c>admin</c>);</item>
/// <item><c>["project", "{project}"]</c>: the projects named by the user's <c>project</c> claims, and then a
/// handler (<see cref="ProjectChecks"/>) that refuses the archived project <see cref="ProjectChecks.Archived"/>,
/// as an app would ask its database.</item>
/// </list>
/// Every other tag is allowed, unless a server is started with <c>DenyByDefault</c>.
/// </summary>
public static class TestTagRules
{
    public static void Add(TagAuthorizationOptions rules, ProjectChecks projects)
    {
        rules.Allow(["account", "{sub}"])
            .Allow(["org", "{org_id}"])
            .RequirePolicy(["admin"], TestAuthentication.AdminsPolicy)
            .Require(["project", "{project}"], projects.CheckAsync);
    }
}

/// <summary>
/// The handler of the <c>["project", "{project}"]</c> rule: it refuses the archived project and counts, per
/// connection, how often it was asked, so a test can see that the answer is kept per connection and per prefix.
/// </summary>
public sealed class ProjectChecks
{
    /// <summary>The project the handler refuses whatever the user's claims say.</summary>
    public const int Archived = 13;

    private readonly ConcurrentDictionary<string, ConcurrentQueue<Tag>> _asked = new();

    /// <summary>The prefixes the handler was asked about for a connection, in order.</summary>
    public IReadOnlyList<Tag> AskedBy(string connectionId) =>
        _asked.TryGetValue(connectionId, out var asked) ? [.. asked] : [];

    public ValueTask<bool> CheckAsync(TagAuthorizationContext context)
    {
        _asked.GetOrAdd(context.ConnectionId, static _ => new()).Enqueue(context.Prefix);
        var project = context.Prefix[1];
        return ValueTask.FromResult(!(project.Kind == TagSegmentKind.Integer && project.IntegerValue == Archived));
    }
}
