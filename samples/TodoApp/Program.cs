using Microsoft.EntityFrameworkCore;
using TodoApp;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddSqlite<TodoDbContext>(builder.Configuration.GetConnectionString("Todos")
    ?? throw new InvalidOperationException("Set the connection string 'ConnectionStrings:Todos'."));
builder.Services.AddTagInvalidation().AddSignalR().AddMessagePackProtocol();

// Errors without a body (404, unreadable JSON) get a ProblemDetails body too, so the SPA reads one error shape.
builder.Services.AddProblemDetails();

var app = builder.Build();

// The sample needs no set-up step: the first start creates the database file and its table.
using (var scope = app.Services.CreateScope())
{
    scope.ServiceProvider.GetRequiredService<TodoDbContext>().Database.EnsureCreated();
}

app.UseStatusCodePages();

app.MapGet("/", () => """
    QueryTags.SignalR TodoApp: the React SPA is coming; for now this serves the API.

    GET    /api/todos          list the todos
    GET    /api/todos/{id}     one todo
    POST   /api/todos          create: { "title": "..." }
    PATCH  /api/todos/{id}     change: { "title": "...", "done": true }
    DELETE /api/todos/{id}     delete
    Hub    /hubs/invalidation  tag invalidations (SignalR, JSON or MessagePack)
    """);
app.MapTodoApi();
app.MapTagInvalidation();

app.Run();

// Lets test projects start the app through WebApplicationFactory<Program>.
public partial class Program;
