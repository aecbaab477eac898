using System.Text.Json.Nodes;

namespace QueryTags.SignalR;

/// <summary>
/// A section another component adds to the diagnostics endpoint's answer (<c>MapTagInvalidationDiagnostics</c>), such
/// as a change capture's lag. Register it with
/// <c>services.TryAddEnumerable(ServiceDescriptor.Singleton&lt;ITagInvalidationDiagnosticsSection, MySection&gt;())</c>;
/// the endpoint asks every registered section on each request and writes its answer under <c>sections.{Name}</c>.
/// </summary>
/// <remarks>
/// The endpoint is for operators, yet a section must follow its rule: figures about the node, never a user, a
/// connection or a tag a connection holds. A section that throws is answered <c>{ "error": "failed" }</c> and logged;
/// the others are unaffected.
/// </remarks>
public interface ITagInvalidationDiagnosticsSection
{
    /// <summary>The section's property name in the answer, such as <c>capture</c>; unique among the sections.</summary>
    string Name { get; }

    /// <summary>The section's figures now, as JSON (an object, usually).</summary>
    /// <param name="cancellationToken">The request's abort.</param>
    ValueTask<JsonNode?> ReadAsync(CancellationToken cancellationToken);
}
