namespace TodoApp;

/// <summary>Who is signed in, as <c>GET /api/session</c> answers: a user's name, or null for nobody.</summary>
public sealed record Session(string? User);
