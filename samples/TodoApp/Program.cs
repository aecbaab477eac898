using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using TodoApp;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, WebRootPath = "ClientApp/dist" });

var todos = builder.Configuration.GetConnectionString("Todos")
    ?? throw new InvalidOperationException("Set the connection string 'ConnectionStrings:Todos'.");
// Every committed save publishes the tags of the todos it added, changed or deleted (TodoDbContext declares them).
builder.Services.AddDbContext<TodoDbContext>((services, options) => options.UseSqlite(todos).UseTagInvalidation(services));
var tagInvalidation = builder.Services.AddTagInvalidation()
    // A tag under ["user", X] (a user's own list) may be held only by a connection signed in as X (claim sub);
    // every other tag, such as the shared list's, by anyone, signed in or not.
    .AddTagAuthorization(rules => rules.Allow(["user", "{sub}"]))
    // Every invalidation first evicts the output-cached GETs tagged with its tags (TodoEndpoints.cs), so the
    // refetch it triggers reads fresh data.
    .EvictOutputCache();
tagInvalidation.AddSignalR().AddMessagePackProtocol();

// Sign-in without a password (SessionEndpoints.cs): a cookie names one of the sample users. The API answers 401
// or 403 instead of redirecting to a login page, which an SPA's fetch cannot use.
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(options =>
    {
        options.Cookie.Name = "TodoApp.Session";
        options.Events.OnRedirectToLogin = context => Answer(context.Response, StatusCodes.Status401Unauthorized);
        options.Events.OnRedirectToAccessDenied = context => Answer(context.Response, StatusCodes.Status403Forbidden);

        static Task Answer(HttpResponse response, int statusCode)
        {
            response.StatusCode = statusCode;
            return Task.CompletedTask;
        }
    })
    // Services that are not .NET publish invalidations at /api/invalidations with the header X-Api-Key.
    .AddScheme<AuthenticationSchemeOptions, PublishApiKey>(PublishApiKey.SchemeName, null);
builder.Services.AddAuthorization(options => options.AddPolicy(PublishApiKey.Policy, policy => policy
    .AddAuthenticationSchemes(PublishApiKey.SchemeName)
    .RequireAuthenticatedUser()));

// One setting makes this app one node of several: --Redis=127.0.0.1:6379 carries invalidations between nodes
// (SignalR's backplane) and keeps the invalidation log where every node reads it.
if (builder.Configuration["Redis"] is { Length: > 0 } redis)
{
    tagInvalidation.AddRedis(redis);
    // The nodes share one output cache, so an eviction on one node evicts what every node cached.
    builder.Services.AddStackExchangeRedisOutputCache(options => options.Configuration = redis);
}

builder.Services.AddOutputCache();

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

// The first start creates the database file; a file from an older sample gets what it lacks.
using (var scope = app.Services.CreateScope())
{
    TodoDatabase.EnsureReady(scope.ServiceProvider.GetRequiredService<TodoDbContext>());
}

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
// After authorization: a cached answer is served only to a request that may have it.
app.UseOutputCache();
app.MapSessionApi();
app.MapTodoApi();
app.MapMyTodoApi();
// Open to anonymous connections, which hold the shared list's tags; AddTagAuthorization above decides per tag.
app.MapTagInvalidation();
// POST {"tags": [["todos"]]} publishes like ITagInvalidator, for a service with the key (PublishApiKey.cs); a
// session cookie does not count here, only the key.
app.MapTagInvalidationPublisher("/api/invalidations").RequireAuthorization(PublishApiKey.Policy);
app.MapHealthChecks("/health");


app.Run();

// Lets test projects start the app through WebApplicationFactory<Program>.
public partial class Program;
