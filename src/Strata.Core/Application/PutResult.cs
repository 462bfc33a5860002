using Strata.Engine;
using Strata.Resolution;

namespace Strata.Application;

/// <summary>
/// What a put did. <see cref="Sensitive"/>: the value written must be masked when echoed. <see cref="Read"/>: what a
/// read now gets, when asked for and the caller may read.
/// </summary>
internal sealed record PutResult(long Revision, AppliedChange Applied, bool Sensitive, ResolvedSetting? Read);
