from .health import (
    FactorCode,
    HealthFactor,
    HealthScore,
    HealthScoreFactor,
)

__all__ = ["FactorCode", "HealthFactor", "HealthScore", "HealthScoreFactor"]
