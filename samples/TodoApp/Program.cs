using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.EntityFrameworkCore;
using TodoApp;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, WebRootPath = "ClientApp/dist" });

// Kestrel's limits as the README recommends them (its Limits section): idle sockets, and sockets that never send a
// byte, are closed after 30 s instead of 130 s, slow request headers after 10 s, and the server holds at most 20,000
// sockets. The hub's connections per client address are limited below (AddRateLimiter).
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(30);
    kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
    kestrel.Limits.MaxConcurrentConnections = 20_000;
    kestrel.Limits.MaxConcurrentUpgradedConnections = 20_000;
});

// Behind a reverse proxy on this machine (ASP.NET Core trusts the forwarded headers of loopback proxies only), a
// request is as the browser sent it: HTTPS when it was, which makes the session cookie Secure, and from the browser's
// address, which the per-address limit counts. Another proxy must be added to KnownProxies or KnownNetworks.
builder.Services.Configure<ForwardedHeadersOptions>(options =>
    options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);

// --Postgres "<Npgsql connection string>" keeps the todos in PostgreSQL and captures every committed change there,
// whoever made it (psql, a script, another service): AddPostgresChangeCapture below. Without it, SQLite.
var postgres = builder.Configuration["Postgres"] is { Length: > 0 } postgresConnection ? postgresConnection : null;
var todos = builder.Configuration.GetConnectionString("Todos")
    ?? throw new InvalidOperationException("Set the connection string 'ConnectionStrings:Todos'.");
// Every committed save publishes the tags of the todos it added, changed or deleted (TodoDbContext declares them).
// With change capture on, the capture publishes them instead, once, and the saves publish nothing of their own.
builder.Services.AddDbContext<TodoDbContext>((services, options) =>
    (postgres is null ? options.UseSqlite(todos) : options.UseNpgsql(postgres)).UseTagInvalidation(services));
var tagInvalidation = builder.Services.AddTagInvalidation()
    // A tag under ["user", X] (a user's own list) may be held only by a connection signed in as X (claim sub);
    // every other tag, such as the shared list's, by anyone, signed in or not.
    .AddTagAuthorization(rules => rules.Allow(["user", "{sub}"]))
    // Every invalidation first evicts the output-cached GETs tagged with its tags (TodoEndpoints.cs), so the
    // refetch it triggers reads fresh data.
    .AddOutputCacheEviction();
tagInvalidation.AddSignalR().AddMessagePackProtocol();
if (postgres is not null)
{
    // The tables of TodoDbContext's entity types that declare tags ("Todos"), read from a logical replication slot:
    // every committed change, whoever made it, is published once; the saves themselves publish nothing.
    tagInvalidation.AddPostgresChangeCapture<TodoDbContext>(postgres);
}
else
{
    // Each committed save's invalidation is a row of the database (TodoDbContext's outbox table), written in the
    // save's transaction; the save publishes it after the commit, and this relay at the next start if the process
    // died first.
    tagInvalidation.AddEntityFrameworkCoreOutbox<TodoDbContext>();
}

// Sign-in without a password (SessionEndpoints.cs): a cookie names one of the sample users. The API answers 401
// or 403 instead of redirecting to a login page, which an SPA's fetch cannot use.
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(options =>
    {
        options.Cookie.Name = "TodoApp.Session";
        // Secure whenever the request is HTTPS (as the browser sent it: see ForwardedHeaders above), and still usable on
        // http://localhost. HttpOnly and SameSite=Lax are the handler's defaults.
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.Events.OnRedirectToLogin = context => Answer(context.Response, StatusCodes.Status401Unauthorized);
        options.Events.OnRedirectToAccessDenied = context => Answer(context.Response, StatusCodes.Status403Forbidden);

        static Task Answer(HttpResponse response, int statusCode)
        {
            response.StatusCode = statusCode;
            return Task.CompletedTask;
        }
    })
    // Services that are not .NET publish invalidations at /api/invalidations with the header X-Api-Key. Anyone can send
    // a wrong key, and the handler's base class logs two information entries for each (not authenticated, challenged):
    // appsettings.json keeps its category (TodoApp.PublishApiKey) at warnings, as it keeps ASP.NET Core's.
    .AddScheme<AuthenticationSchemeOptions, PublishApiKey>(PublishApiKey.SchemeName, null);
builder.Services.AddAuthorization(options => options.AddPolicy(PublishApiKey.Policy, policy => policy
    .AddAuthenticationSchemes(PublishApiKey.SchemeName)
    .RequireAuthenticatedUser()));

// One setting makes this app one node of several: --Redis=127.0.0.1:6379 carries invalidations between nodes
// (SignalR's backplane) and keeps the invalidation log where every node reads it.
if (builder.Configuration["Redis"] is { Length: > 0 } redis)
{
    tagInvalidation.AddStackExchangeRedisScaleOut(redis);
    // The nodes share one output cache, so an eviction on one node evicts what every node cached.
    builder.Services.AddStackExchangeRedisOutputCache(options => options.Configuration = redis);
}

// An entry is at most 1 MB (the shared list of about 5,000 todos; a longer one is served uncached), and the in-memory
// store keeps at most 32 MB. Redis has no size limit of its own here: TodoCachePolicy keys entries by nothing a client
// can vary (one entry per list and per todo), and each expires after a minute unless an invalidation evicts it first.
builder.Services.AddOutputCache(options =>
{
    options.MaximumBodySize = 1024 * 1024;
    options.SizeLimit = 32 * 1024 * 1024;
});

// At most 50 hub connections (and hub requests in flight) per client address, as the README recommends: a WebSocket or
// an event stream holds its place while it lasts, a long poll while it waits. The 51st is answered 429.
builder.Services.AddRateLimiter(limiter =>
{
    limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
    limiter.AddPolicy(HubConnectionsPerAddress, context => RateLimitPartition.GetConcurrencyLimiter(
        context.Connection.RemoteIpAddress?.ToString() ?? "",
        _ => new ConcurrencyLimiterOptions { PermitLimit = 50, QueueLimit = 0 }));
});

builder.Services.AddHealthChecks();

// Errors without a body (404, 405, 415) get a ProblemDetails body too, so the SPA reads one error shape.
builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context => context.ProblemDetails.Detail ??=
    context.ProblemDetails.Status switch
    {
        StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON, with the header Content-Type: application/json.",
        StatusCodes.Status405MethodNotAllowed => $"This path does not take {context.HttpContext.Request.Method}: the Allow header lists what it takes.",
        _ => null,
    });
// A body that cannot be read (malformed JSON, a value of the wrong type) throws, instead of a bare 400, and
// UnreadableRequestHandler answers a problem that says what is wrong and where.
builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
builder.Services.AddExceptionHandler<UnreadableRequestHandler>();

var app = builder.Build();

// The first start creates the database (the SQLite file, or PostgreSQL's tables); a file from an older sample gets
// what it lacks. Before the host starts: change capture checks the captured tables at start.
using (var scope = app.Services.CreateScope())
{
    TodoDatabase.EnsureReady(scope.ServiceProvider.GetRequiredService<TodoDbContext>());
}

app.UseForwardedHeaders();
app.UseSecurityHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();

// The SPA (ClientApp, built into ClientApp/dist by TodoApp.csproj) on the same origin as the API and the hub. A GET
// that no endpoint matched, outside /api and not of a file name, is a client-side route: it gets index.html. Not a
// fallback endpoint: routing would choose one over its own answers for an API path, 405 for a method the path lacks
// and 415 for a body that is not JSON. Under /api an unknown path stays a 404.
app.Use((context, next) =>
{
    var request = context.Request;
    if (context.GetEndpoint() is null && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && !request.Path.StartsWithSegments("/api") && !Path.HasExtension(request.Path.Value))
    {
        request.Path = "/index.html";
    }

    return next(context);
});
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
// After authorization: a cached answer is served only to a request that may have it.
app.UseOutputCache();
app.MapSessionApi();
app.MapTodoApi();
app.MapMyTodoApi();
// Open to anonymous connections, which hold the shared list's tags; AddTagAuthorization above decides per tag.
app.MapTagInvalidation().RequireRateLimiting(HubConnectionsPerAddress);
// POST {"tags": [["todos"]]} publishes like ITagInvalidator, for a service with the key (PublishApiKey.cs); a
// session cookie does not count here, only the key.
app.MapTagInvalidationPublisher("/api/invalidations").RequireAuthorization(PublishApiKey.Policy);
// GET: this node's connections, held tags by prefix, log and recent invalidations, for operators. Behind the same key:
// whoever holds it may already invalidate anything, which is more than counts reveal, and the sample users are the
// people whose holdings it counts, not its operators.
app.MapTagInvalidationDiagnostics("/api/diagnostics/invalidation").RequireAuthorization(PublishApiKey.Policy);
app.MapHealthChecks("/health");


app.Run();

// Lets test projects start the app through WebApplicationFactory<Program>.
public partial class Program
{
    private const string HubConnectionsPerAddress = "hub-connections-per-address";
}
