using System.Net;
using Microsoft.AspNetCore.Http.Connections.Client;
using QueryTags.SignalR.TestServer;

namespace QueryTags.SignalR.FunctionalTests.Infrastructure;

/// <summary>A user the test server's <c>POST /token</c> and <c>POST /signin</c> vouch for: the claims sent as the body.</summary>
public sealed record TestUser(string Sub, string OrgId, string Role, params int[] Projects)
{
    /// <summary>An admin of acme, in the projects 7, 8 and the archived one.</summary>
    public static TestUser Alice { get; } = new("alice", "acme-corp", "admin", 7, 8, ProjectChecks.Archived);

    /// <summary>An auditor of globex, in no project.</summary>
    public static TestUser Bob { get; } = new("bob", "globex-inc", "auditor");

    public static IReadOnlyList<TestUser> All { get; } = [Alice, Bob];

    public object Claims => new { sub = Sub, org_id = OrgId, role = Role, project = Projects };

    /// <summary>The user's claim values that are text: a reason given to this user must not repeat them.</summary>
    public IEnumerable<string> TextValues => [Sub, OrgId, Role];

    /// <summary>A tag under the user's own account that no test used before: a sentinel this user may hold under any rules.</summary>
    public Tag FreshAccountTag() => ["account", Sub, Guid.NewGuid().ToString("N")];

    public override string ToString() => Sub;
}

/// <summary>How a test connection proves who it is, and where its page says it comes from.</summary>
public static class Credentials
{
    /// <summary>A bearer token, through the client's <see cref="HttpConnectionOptions.AccessTokenProvider"/>.</summary>
    public static Action<HttpConnectionOptions> Bearer(string token) =>
        options => options.AccessTokenProvider = () => Task.FromResult<string?>(token);

    /// <summary>The sign-in cookie, through <see cref="HttpConnectionOptions.Cookies"/>.</summary>
    public static Action<HttpConnectionOptions> Cookies(CookieContainer cookies) => options => options.Cookies = cookies;

    /// <summary>An <c>Origin</c> header on every request, as a browser page sends it, with <paramref name="also"/>.</summary>
    public static Action<HttpConnectionOptions> FromOrigin(string origin, Action<HttpConnectionOptions>? also = null) => options =>
    {
        options.Headers["Origin"] = origin;
        also?.Invoke(options);
    };
}
