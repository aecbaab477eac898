namespace QueryTags.SignalR.EntityFrameworkCore;

/// <summary>
/// A service that publishes the tags of every committed change from the database itself, such as QueryTags.SignalR.Npgsql's
/// change capture. <c>UseTagInvalidation(services)</c> asks it whether a context's changes are captured; when they
/// are, the context's saves publish nothing of their own, so a change reaches clients once.
/// </summary>
public interface IDatabaseChangeCapture
{
    /// <summary>Whether the changes saved through contexts of <paramref name="contextType"/> are captured at the database.</summary>
    /// <param name="contextType">The context's type (<c>DbContextOptions.ContextType</c>).</param>
    /// <returns>True when the capture publishes them.</returns>
    bool Captures(Type contextType);
}
