namespace TodoApp;

/// <summary>The body of <c>POST /api/session</c>: the user to sign in as.</summary>
public sealed record SignInRequest(string? User);
