"""shuanggao: the platform that runs Jiangsu's 双高协同 programme."""

__version__ = "0.1.0"
