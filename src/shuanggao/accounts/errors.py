"""Account errors: stable codes, Chinese messages."""

from __future__ import annotations

from shuanggao.errors import AppError, ErrorCode


class BadCredentials(AppError):
    """Wrong username or password, unknown user, disabled or locked account: one message.

    The message is the same in every case so that a caller cannot tell which one it was.
    """

    code = ErrorCode.BAD_CREDENTIALS
    status = 401
    message = "用户名或密码错误；连续输错多次后账号将被临时锁定。"


class SecondFactorRequired(AppError):
    code = ErrorCode.SECOND_FACTOR
    status = 401
    message = "请输入身份验证器应用中显示的 6 位动态验证码。"


class BadSecondFactor(AppError):
    code = ErrorCode.SECOND_FACTOR
    status = 401
    message = "动态验证码不正确或已使用过，请等待下一个验证码后重试。"


class BadRecoveryCode(AppError):
    code = ErrorCode.SECOND_FACTOR
    status = 401
    message = "恢复码不正确或已使用过。每个恢复码只能使用一次。"


class RateLimited(AppError):
    code = ErrorCode.RATE_LIMITED
    status = 429
    message = "登录尝试过于频繁，请稍后再试。"


class CsrfFailed(AppError):
    code = ErrorCode.CSRF
    status = 403
    message = "页面已过期或请求来源不可信，请刷新页面后重试。"


class PasswordChangeRequired(AppError):
    code = ErrorCode.PASSWORD_CHANGE_REQUIRED
    status = 403
    message = "请先修改您的密码，然后再继续使用系统。"


class TotpEnrolmentRequired(AppError):
    code = ErrorCode.TOTP_ENROLMENT_REQUIRED
    status = 403
    message = "管理员账号须先绑定身份验证器（动态验证码），然后才能继续使用系统。"


class ConsentRequired(AppError):
    code = ErrorCode.CONSENT_REQUIRED
    status = 403
    message = "请先阅读并同意《个人信息处理规则》，然后再继续使用系统。"
