namespace QueryTags.SignalR;

/// <summary>Why a tag was refused: the rule's name (see <see cref="TagRules"/>) and a sentence for people.</summary>
/// <param name="Rule">The rule's stable name, such as <c>segment-too-long</c>.</param>
/// <param name="Message">What was wrong, with the limit that applied.</param>
public sealed record TagRejectionReason(string Rule, string Message);
