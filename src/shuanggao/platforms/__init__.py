"""Co-built industrial innovation platforms (共建产业创新平台)."""
